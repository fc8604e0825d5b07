package org.h2cl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code version that checkpoint fingerprints name. */
class VersionsTest {

  @TempDir Path dir;

  private static final List<String> FILES =
      List.of("org/h2cl/h2/A.class", "org/h2cl/model/B.class", "org/h2cl/spark/C.class");

  private Path classes(String... contents) throws IOException {
    Path root = Files.createTempDirectory(dir, "classes");
    for (int i = 0; i < FILES.size(); i++) {
      Path f = root.resolve(FILES.get(i));
      Files.createDirectories(f.getParent());
      Files.writeString(f, contents[i]);
    }
    return root;
  }

  private Path jar(String... contents) throws IOException {
    Path jar = Files.createTempFile(dir, "code", ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      // Another order than the folder's walk: the digest sorts by name.
      for (int i = FILES.size() - 1; i >= 0; i--) {
        out.putNextEntry(new JarEntry(FILES.get(i)));
        out.write(contents[i].getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void theDigestChangesWithResultDeterminingClassesOnly() throws IOException {
    List<String> packages = Versions.RESULT_PACKAGES;
    String base = Versions.classesDigest(classes("a", "b", "c"), packages);

    assertEquals(base, Versions.classesDigest(classes("a", "b", "c"), packages));
    assertEquals(base, Versions.classesDigest(jar("a", "b", "c"), packages), "jar = folder");
    assertEquals(
        base,
        Versions.classesDigest(classes("a", "b", "driver changed"), packages),
        "org.h2cl.spark does not decide the numbers");
    assertNotEquals(base, Versions.classesDigest(classes("a2", "b", "c"), packages));
    assertNotEquals(base, Versions.classesDigest(jar("a", "b2", "c"), packages));
    assertEquals("unknown", Versions.classesDigest(dir.resolve("nowhere"), packages));
  }

  @Test
  void theCodeVersionNamesProjectNd4jAndTheCompiledClasses() {
    String code = Versions.code();
    assertTrue(code.startsWith(Versions.project() + "/nd4j-1."), code);
    assertTrue(code.matches(".*/classes-[0-9a-f]{16}"), code);
    assertFalse(code.contains("unknown"), code);
    assertEquals(code, Versions.code());
  }
}

package org.h2cl.results;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The versions a run used, stored with its results.
 *
 * @param h2Version this project's version (see {@link #project()})
 */
public record Versions(
    String h2Version,
    String sparkVersion,
    String nd4jVersion,
    String javaVersion,
    String scalaVersion) {

  /** The versions on this JVM's class path; {@code sparkVersion} comes from the running session. */
  public static Versions current(String sparkVersion) {
    return new Versions(
        project(),
        sparkVersion,
        mavenVersion("org.nd4j", "nd4j-api"),
        System.getProperty("java.version"),
        scala.util.Properties.versionNumberString());
  }

  /**
   * This project's version from the jar's Maven descriptor; "dev" when the classes do not come from
   * a jar (tests, an IDE), which then also never resume a jar-built run's checkpoints.
   */
  public static String project() {
    String v = mavenVersion("org.h2cl", "h2-spark");
    return v.equals("unknown") ? "dev" : v;
  }

  /** Packages whose code decides a seed's numbers: the procedure, the network, the data. */
  static final List<String> RESULT_PACKAGES =
      List.of("org/h2cl/h2/", "org/h2cl/model/", "org/h2cl/data/");

  private static String code;

  /**
   * The code version a checkpoint's fingerprint names: this project's version, ND4J's, and a
   * SHA-256 of the compiled classes of {@link #RESULT_PACKAGES}. A changed class with an unchanged
   * version number (a SNAPSHOT, a local edit) thus still refuses checkpoints of the old code.
   */
  public static synchronized String code() {
    if (code == null) {
      code =
          project()
              + "/nd4j-"
              + mavenVersion("org.nd4j", "nd4j-api")
              + "/classes-"
              + classesDigest(codeLocation(), RESULT_PACKAGES);
    }
    return code;
  }

  private static Path codeLocation() {
    try {
      URL location = Versions.class.getProtectionDomain().getCodeSource().getLocation();
      return Path.of(location.toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Hex SHA-256 over the names and bytes of the {@code .class} files under {@code packages} (paths
   * ending in "/") in {@code location}, a class folder or a jar, in name order; "unknown" when it
   * cannot be read.
   */
  static String classesDigest(Path location, List<String> packages) {
    if (location == null) {
      return "unknown";
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      int files = 0;
      if (Files.isDirectory(location)) {
        List<Path> classes = new ArrayList<>();
        for (String p : packages) {
          Path dir = location.resolve(p);
          if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
              walk.filter(f -> f.toString().endsWith(".class")).forEach(classes::add);
            }
          }
        }
        Collections.sort(classes);
        for (Path c : classes) {
          sha.update(location.relativize(c).toString().getBytes(StandardCharsets.UTF_8));
          sha.update(Files.readAllBytes(c));
          files++;
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          List<JarEntry> classes =
              jar.stream()
                  .filter(e -> e.getName().endsWith(".class"))
                  .filter(e -> packages.stream().anyMatch(e.getName()::startsWith))
                  .sorted((a, b) -> a.getName().compareTo(b.getName()))
                  .toList();
          for (JarEntry e : classes) {
            sha.update(e.getName().getBytes(StandardCharsets.UTF_8));
            try (InputStream in = jar.getInputStream(e)) {
              sha.update(in.readAllBytes());
            }
            files++;
          }
        }
      }
      return files == 0 ? "unknown" : HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String mavenVersion(String group, String artifact) {
    String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = Versions.class.getResourceAsStream(resource)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}

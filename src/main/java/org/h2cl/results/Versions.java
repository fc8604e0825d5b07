package org.h2cl.results;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

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

package org.h2cl.storage;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration on its way to the executors. An executor's {@code new
 * Configuration()} knows only the *-site.xml files of its own node: the {@code spark.hadoop.*}
 * settings a user gives spark-submit (a name node's address, credentials, an HA nameservice) live
 * in the driver's {@code SparkContext.hadoopConfiguration()} alone. This carries every entry of it,
 * in Hadoop's own wire format.
 */
public final class HadoopConf implements Serializable {

  private static final long serialVersionUID = 1L;

  private transient Configuration conf;

  private HadoopConf(Configuration conf) {
    this.conf = conf;
  }

  /** A copy of {@code conf}, taken now: later changes to {@code conf} do not reach it. */
  public static HadoopConf of(Configuration conf) {
    return new HadoopConf(new Configuration(conf));
  }

  /** Hadoop's defaults and this node's *-site.xml files (tests, and tools without Spark). */
  public static HadoopConf defaults() {
    return new HadoopConf(new Configuration());
  }

  /** The configuration; the caller must not change it (it is shared by the users of this). */
  public Configuration get() {
    return conf;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    conf.write(out);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    // Without the node's defaults: exactly the driver's entries (its defaults included).
    conf = new Configuration(false);
    conf.readFields(in);
  }
}

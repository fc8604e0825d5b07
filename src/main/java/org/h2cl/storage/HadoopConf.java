package org.h2cl.storage;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration on its way to the executors. An executor's {@code new
 * Configuration()} knows only the *-site.xml files of its own node: the {@code spark.hadoop.*}
 * settings a user gives spark-submit (a name node's address, credentials, an HA nameservice) live
 * in the driver's {@code SparkContext.hadoopConfiguration()} alone. This carries every entry of it,
 * in Hadoop's own wire format (key-value strings, no Java objects).
 */
public final class HadoopConf implements Externalizable {

  private static final long serialVersionUID = 1L;

  private Configuration conf;

  /** For deserialization only. */
  public HadoopConf() {
    this(new Configuration(false));
  }

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

  @Override
  public void writeExternal(ObjectOutput out) throws IOException {
    conf.write(out);
  }

  @Override
  public void readExternal(ObjectInput in) throws IOException {
    // Without the node's defaults: exactly the driver's entries (its defaults included).
    conf = new Configuration(false);
    conf.readFields(in);
  }
}

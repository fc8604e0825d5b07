package org.h2cl.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import org.h2cl.h2.SeedResult;

/**
 * Registers the records that cross the Spark boundary with Kryo. Spark ships task results with its
 * configured serializer (Kryo here), and Kryo 4's field serializer cannot rebuild Java records
 * (final fields) or immutable lists; Java serialization, which records were designed for, can.
 */
public final class H2KryoRegistrator implements KryoRegistrator {

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(SeedResult.class, new JavaSerializer());
  }
}

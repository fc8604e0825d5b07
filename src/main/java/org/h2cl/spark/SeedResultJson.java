package org.h2cl.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.h2cl.h2.SeedResult;

/**
 * A seed's result as the text a Spark task returns to the driver. Spark ships a task's result with
 * its serializer, which on a cluster may be a Kryo whose class loader cannot see the job's classes
 * (Kryo 4's JavaSerializer uses the system class loader, where spark-submit's jar is not); a String
 * needs no class of ours to cross, and the driver rebuilds the record where its classes are.
 * Doubles are written in the shortest form that reads back to the same bits.
 */
final class SeedResultJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private SeedResultJson() {}

  static String write(SeedResult result) {
    try {
      return MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write seed " + result.seed() + "'s result", e);
    }
  }

  static SeedResult read(String json) {
    try {
      return MAPPER.readValue(json, SeedResult.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read a seed's result sent by an executor", e);
    }
  }
}

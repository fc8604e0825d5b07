package org.h2cl.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * One benchmark line: a flat JSON object written by Jackson, keys in insertion order. Decimals are
 * rounded to 5 significant digits (the figures carry no more), non-finite ones become null.
 */
final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private final ObjectNode fields = MAPPER.createObjectNode();

  Json put(String key, Object value) {
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      fields.put(
          key,
          Double.isFinite(d)
              ? new BigDecimal(d).round(new MathContext(5)).stripTrailingZeros()
              : null);
    } else if (value instanceof Integer || value instanceof Long) {
      fields.put(key, ((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      fields.put(key, b);
    } else {
      fields.put(key, String.valueOf(value));
    }
    return this;
  }

  @Override
  public String toString() {
    try {
      return MAPPER.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a flat JSON object failed to serialise", e);
    }
  }
}

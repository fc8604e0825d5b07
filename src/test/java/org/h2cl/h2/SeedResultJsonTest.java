package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.h2cl.testing.SeedResults;
import org.junit.jupiter.api.Test;

/**
 * A seed's result is plain records of simple types, so it survives a trip through JSON (Jackson) as
 * well as Java serialization: the method, the history with its NaN (no selection) and every number
 * bit for bit.
 */
class SeedResultJsonTest {

  @Test
  void roundTripsThroughJackson() throws Exception {
    SeedResult r = SeedResults.of("packnet", 3, 1, 99.5, 97.25, 98.0);
    ObjectMapper json = new ObjectMapper();
    SeedResult back = json.readValue(json.writeValueAsString(r), SeedResult.class);

    assertEquals("packnet", back.method());
    assertEquals(r.accuracyMatrix(), back.accuracyMatrix());
    assertEquals(r.freeFraction(), back.freeFraction());
    assertEquals(r.history(), back.history());
    assertTrue(Double.isNaN(back.history().get(0).switchedOff()));
    for (int i = 0; i < r.tasks().size(); i++) {
      TaskOutcome a = r.tasks().get(i).outcome();
      TaskOutcome b = back.tasks().get(i).outcome();
      assertEquals(a.accAfterTask(), b.accAfterTask());
      assertArrayEquals(a.association(), b.association());
      assertArrayEquals(a.associationLogits(), b.associationLogits());
      assertEquals(r.tasks().get(i).accFinal(), back.tasks().get(i).accFinal());
    }
    assertEquals(List.of(1, 2, 3), back.tasks().stream().map(TaskResult::task).toList());
  }
}

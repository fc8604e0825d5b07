package org.h2cl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.h2cl.h2.AccuracyCell;
import org.h2cl.h2.SeedResult;
import org.h2cl.h2.TaskOutcome;
import org.h2cl.h2.TaskResult;
import org.h2cl.testing.SeedResults;
import org.junit.jupiter.api.Test;

class SeedResultJsonTest {

  @Test
  void aResultReadsBackBitForBit() {
    SeedResult r = SeedResults.of("packnet", 3, 2, 99.0, 95.5, 97.25);
    // Values whose shortest decimal form is long, and the ones Double.toString spells out.
    TaskOutcome o = r.tasks().get(2).outcome();
    TaskOutcome odd =
        new TaskOutcome(
            o.task(),
            0.1 + 0.2,
            Math.nextUp(0.25),
            Double.MIN_VALUE,
            new double[] {1.0 / 3, 2.0 / 3},
            new double[] {Double.NaN, -0.0},
            1e-300);
    SeedResult withOdd =
        new SeedResult(
            r.method(),
            r.seed(),
            List.of(r.tasks().get(0), r.tasks().get(1), new TaskResult(odd, Math.PI)),
            r.accuracyMatrix(),
            r.history(),
            r.freeFraction(),
            r.backend(),
            r.device(),
            r.threads(),
            r.kernels(),
            r.resumedFromTask(),
            r.startMillis(),
            r.endMillis(),
            r.placement());

    SeedResult back = SeedResultJson.read(SeedResultJson.write(withOdd));

    assertEquals(SeedResultJson.write(withOdd), SeedResultJson.write(back));
    TaskOutcome b = back.tasks().get(2).outcome();
    assertEquals(
        Double.doubleToRawLongBits(0.1 + 0.2), Double.doubleToRawLongBits(b.accAfterTask()));
    assertEquals(Math.nextUp(0.25), b.ownedFraction());
    assertEquals(Double.MIN_VALUE, b.reusedFraction());
    assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3}, b.association());
    assertEquals(Double.NaN, b.associationLogits()[0]);
    assertEquals(
        Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(b.associationLogits()[1]));
    assertEquals(Math.PI, back.tasks().get(2).accFinal());
    assertEquals(3, back.tasks().get(2).task());
    assertEquals(r.accuracyMatrix(), back.accuracyMatrix());
    assertEquals(new AccuracyCell(3, 1, 99.0), back.accuracyMatrix().get(2));
    assertEquals(r.kernels(), back.kernels());
    assertEquals(r.startMillis(), back.startMillis());
    assertEquals(r.placement(), back.placement());
    assertEquals("packnet", back.method());
    assertEquals(r.freeFraction(), back.freeFraction());
    // The history, with the NaN of epochs without a selection.
    assertEquals(r.history(), back.history());
    assertTrue(Double.isNaN(back.history().get(0).switchedOff()));
  }

  @Test
  void textThatIsNoResultIsRefused() {
    assertThrows(IllegalStateException.class, () -> SeedResultJson.read("{\"seed\":1,\"x\":2}"));
  }
}

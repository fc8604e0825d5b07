package org.h2cl.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a run trains (h2.methods): faithful H² and the baselines and ablation compared with it, all
 * on the same network, data, seeds and tables. README names each method's source.
 */
public enum Method {
  /** Faithful H²: association, Fisher-based selection of earlier weights, pruning, retraining. */
  H2("h2"),
  /** H² with π uniform over the earlier tasks: no association phase (the paper's ablation). */
  H2_UNIFORM("h2-uniform"),
  /** Each task trains only the free weights it takes; no earlier weight is used (no transfer). */
  INDEPENDENT("independent"),
  /** Each task uses every earlier task's weights, frozen (Mallya &amp; Lazebnik 2018). */
  PACKNET("packnet"),
  /** No masks, no pruning: every weight trains on every task; one head per task. */
  FINETUNE("finetune");

  /** The name in h2.methods and in the tables' {@code method} column. */
  public final String key;

  Method(String key) {
    this.key = key;
  }

  /** Whether a task ≥ 2 runs the association phase (§5.2). */
  public boolean associates() {
    return this == H2;
  }

  /** Whether tasks are pruned and retrained (§4.3, §4.4); finetune does neither. */
  public boolean prunes() {
    return this != FINETUNE;
  }

  /** The method named {@code key}, or empty. */
  public static java.util.Optional<Method> of(String key) {
    return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
  }

  /** Every method's name, in declaration order. */
  public static List<String> keys() {
    return Arrays.stream(values()).map(m -> m.key).toList();
  }

  @Override
  public String toString() {
    return key.toLowerCase(Locale.ROOT);
  }
}

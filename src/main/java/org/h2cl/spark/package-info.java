/**
 * The Spark boundary: {@link org.h2cl.spark.H2Job} turns settings into a Spark session, runs every
 * seed as its own one-task Spark job ({@link org.h2cl.spark.SeedTask}: threads, GPU, then {@code
 * SeedRunner}), and hands the collected seed results to {@code org.h2cl.results}. Only plain
 * serializable records cross the boundary; nothing here knows the algorithm.
 */
package org.h2cl.spark;

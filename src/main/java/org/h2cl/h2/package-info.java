/**
 * The H² procedure: ownership state, its phases and the trainer that runs them.
 *
 * <p>The small parts here work on plain arrays, one flat {@code float[]} per maskable conv layer in
 * [oC, iC, kH, kW] order: {@link org.h2cl.h2.Pruner} (docs/ALGORITHM.md §4.3), {@link
 * org.h2cl.h2.AssociationUpdate} and {@link org.h2cl.h2.GumbelSoftmax} (§5.2), {@link
 * org.h2cl.h2.ReuseSelection} (§5.3), and {@link org.h2cl.h2.Ownership}, the per-weight owner map
 * and reuse counters kept across tasks (§3) whose operations refuse to run out of order.
 */
package org.h2cl.h2;

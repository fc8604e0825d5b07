/**
 * The run's results as tables: {@link org.h2cl.results.ResultSchemas} defines the five Parquet
 * tables once, {@link org.h2cl.results.ResultRows} turns seed results into their rows, {@link
 * org.h2cl.results.Metrics} computes the continual-learning metrics, {@link
 * org.h2cl.results.ResultTables} computes the summary and writes everything (and, with {@link
 * org.h2cl.results.CsvTables}, CSV copies) so that a reader never sees a half-written run, {@link
 * org.h2cl.results.OutputFolder} knows the output folder's layout, and {@link
 * org.h2cl.results.PaperTable} prints the summary as the paper's table. docs/OUTPUT.md describes
 * every column.
 */
package org.h2cl.results;

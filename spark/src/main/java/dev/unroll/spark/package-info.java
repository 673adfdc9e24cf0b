/**
 * Unroll on Apache Spark: batch encoding of a Dataset's signal column ({@link dev.unroll.spark.UnrollSpark}),
 * data-parallel training ({@link dev.unroll.spark.SparkTrainer}, {@link dev.unroll.spark.SparkDictionaryLearning})
 * and the jobs {@code spark-submit} runs
 * ({@link dev.unroll.spark.EncodeJob}, {@link dev.unroll.spark.TrainJob},
 * {@link dev.unroll.spark.SimulatedDataJob}, {@link dev.unroll.spark.SparkScaling}). Each executor JVM holds
 * one backend ({@code JvmBackend}) and, per model or training run, what is opened on it, closed when the JVM
 * exits.
 */
package dev.unroll.spark;

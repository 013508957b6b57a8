/**
 * ProcVQA evaluation: parsers for model answers ({@link io.procvlm.vqa.eval.ProgressAnswers},
 * {@link io.procvlm.vqa.eval.SegmentationAnswers}, {@link io.procvlm.vqa.eval.PlanningAnswers}), the progress metrics
 * ({@link io.procvlm.vqa.eval.ProgressMetrics}) and the {@link io.procvlm.vqa.eval.Evaluator} that scores a list of
 * samples against a map of predictions into an {@link io.procvlm.vqa.eval.EvalReport}.
 *
 * <p>The metrics follow the reference's {@code evqa/eval/compute_metrics.py} (see {@code procvlm.md} §6) with its known
 * bugs fixed: episodes are keyed by dataset and episode, the family comes from the sample (not guessed from the ground
 * truth text), and MCC@95 sees progress samples only. Pure Java, no Spark.
 */
package io.procvlm.vqa.eval;

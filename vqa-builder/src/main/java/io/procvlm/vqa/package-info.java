/**
 * ProcVQA: samples derived from ProcCorpus, splits, shards, the dataset card and the evaluation metrics. Depends only
 * on {@code pipeline-core}.
 */
package io.procvlm.vqa;

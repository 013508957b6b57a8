/**
 * Progress budgets: subtask segments and per-frame visual change to per-frame progress labels. Pure Java, no Spark
 * outside {@code ..spark} packages. Depends only on {@code pipeline-core}.
 */
package io.procvlm.progress;

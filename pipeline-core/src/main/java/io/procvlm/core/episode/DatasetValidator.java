package io.procvlm.core.episode;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.error.ErrorType;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Inspects a dataset without Spark and without writing anything, and lists every problem found: dataset-level
 * problems, and for each episode the index checks and (when deep) a full decode with frame alignment.
 */
public final class DatasetValidator {
    private final CameraRules rules;
    private final InspectionConfig config;
    private final int threads;

    public DatasetValidator(CameraRules rules, InspectionConfig config, int threads) {
        this.rules = requireNonNull(rules, "rules is null");
        this.config = requireNonNull(config, "config is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        this.threads = threads;
    }

    /**
     * The outcome of validating one dataset.
     *
     * @param spec what was validated
     * @param scan the dataset's metadata, or {@code null} when it could not be read
     * @param failure why the dataset could not be read, or {@code null}
     * @param episodes per episode: its reference and every problem found, in episode order
     */
    public record Report(DatasetSpec spec, DatasetScan scan, Problem failure, List<EpisodeProblems> episodes) {
        public long episodesWithErrors() {
            return episodes.stream()
                    .filter(e -> e.problems().stream().anyMatch(Problem::isError))
                    .count();
        }

        public long episodesWithWarningsOnly() {
            return episodes.stream()
                    .filter(e ->
                            !e.problems().isEmpty() && e.problems().stream().noneMatch(Problem::isError))
                    .count();
        }
    }

    /** One episode and the problems found in it. */
    public record EpisodeProblems(EpisodeRef ref, List<Problem> problems) {}

    public Report validate(DatasetSpec spec, boolean deep) {
        DatasetScan scan;
        try {
            scan = DatasetReaders.scan(spec, rules);
        } catch (PipelineException e) {
            if (e.errorType() != ErrorType.USER_ERROR) {
                throw e;
            }
            return new Report(spec, null, Problem.error(e.errorCode().name(), e.getMessage()), List.of());
        }
        EpisodeInspector inspector = new EpisodeInspector(config);
        FeaturesConfig noFeatures = new FeaturesConfig(160, "none", "ultrafast", false, false, 1.0);
        EpisodeFeatureExtractor decoder = new EpisodeFeatureExtractor(config, noFeatures);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<EpisodeProblems>> futures = new ArrayList<>();
            for (EpisodeRef ref : scan.episodes()) {
                futures.add(pool.submit(() -> {
                    EpisodeInspection inspection = inspector.inspect(ref);
                    List<Problem> problems = new ArrayList<>(inspection.problems());
                    if (deep && inspection.reason().isEmpty()) {
                        for (Problem problem : decoder.extract(ref).problems()) {
                            if (!problems.contains(problem)) {
                                problems.add(problem);
                            }
                        }
                    }
                    return new EpisodeProblems(ref, problems);
                }));
            }
            List<EpisodeProblems> episodes = new ArrayList<>();
            for (Future<EpisodeProblems> future : futures) {
                episodes.add(future.get());
            }
            return new Report(spec, scan, null, episodes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while validating " + spec.path(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Validation of " + spec.path() + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}

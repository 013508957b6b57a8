package io.procvlm.app.report;

import static io.procvlm.core.config.ConfigProperty.bool;
import static io.procvlm.core.config.ConfigProperty.integer;
import static io.procvlm.core.config.ConfigProperty.string;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import java.util.List;

/**
 * Settings of the HTML run report ({@code procvlm report}, and the report step at the end of {@code procvlm run}).
 *
 * @param enabled whether {@code procvlm run} writes the report after its last stage
 * @param episodesPerDataset how many episodes of each dataset get a page with curves and thumbnails
 * @param thumbnailSide the longer side of the boundary-frame thumbnails, in pixels
 * @param gold the gold labels of the label-quality section (an {@code eval-labels --gold} spec, or {@code none})
 */
public record ReportConfig(boolean enabled, int episodesPerDataset, int thumbnailSide, String gold) {
    public static final String ENABLED = "report.enabled";
    public static final String EPISODES_PER_DATASET = "report.episodes-per-dataset";
    public static final String THUMBNAIL_SIDE = "report.thumbnail-side";
    public static final String GOLD = "report.gold";

    public static List<ConfigProperty> properties() {
        return List.of(
                bool(
                        ENABLED,
                        true,
                        "Write the HTML run report (<out>/report/index.html) at the end of 'procvlm run' when the run"
                                + " produced segments"),
                integer(
                        EPISODES_PER_DATASET,
                        2,
                        0,
                        1000,
                        "Episodes per dataset shown with progress curves, subtask bands and boundary-frame thumbnails"
                                + " (a seeded, deterministic sample)"),
                integer(
                        THUMBNAIL_SIDE,
                        160,
                        32,
                        640,
                        "Longer side of the report's boundary-frame thumbnails, in pixels"),
                string(
                        GOLD,
                        "auto",
                        "Gold subtask labels of the report's label-quality section: an eval-labels --gold spec (auto,"
                                + " phases, native, imported:FILE, agibot:FILE@DATASET, robocoin:FILE@DATASET) or"
                                + " none"));
    }

    public static ReportConfig from(Config config) {
        return new ReportConfig(
                config.bool(ENABLED),
                config.integer(EPISODES_PER_DATASET),
                config.integer(THUMBNAIL_SIDE),
                config.string(GOLD));
    }
}

package io.procvlm.app;

import io.procvlm.annotators.AnnotatorConfig;
import io.procvlm.annotators.torch.TorchConfig;
import io.procvlm.annotators.vlm.VlmConfig;
import io.procvlm.app.report.ReportConfig;
import io.procvlm.app.spark.ResumeOptions;
import io.procvlm.core.catalog.CatalogConfig;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigLoader;
import io.procvlm.core.config.ConfigSchema;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.progress.ProgressConfig;
import io.procvlm.vqa.VqaConfig;
import java.nio.file.Path;
import java.util.List;

/** The configuration schema of the whole program: every module's keys. */
public final class AppConfig {
    private AppConfig() {}

    public static ConfigSchema schema() {
        return ConfigSchema.of(List.of(
                CoreConfig.properties(),
                CatalogConfig.properties(),
                AnnotatorConfig.properties(),
                VlmConfig.properties(),
                TorchConfig.properties(),
                ResumeOptions.properties(),
                ProgressConfig.properties(),
                VqaConfig.properties(),
                ReportConfig.properties()));
    }

    /** Defaults, then {@code file} (may be null), then {@code --set} overrides. */
    public static Config load(Path file, List<String> overrides) {
        return new ConfigLoader(schema()).load(file, overrides);
    }
}

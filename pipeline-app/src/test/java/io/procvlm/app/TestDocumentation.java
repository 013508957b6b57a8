package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.core.config.ConfigProperty;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.spark.CorpusTable;
import io.procvlm.core.spark.EpisodesTable;
import io.procvlm.core.spark.FramesTable;
import io.procvlm.core.spark.SegmentsTable;
import io.procvlm.core.testing.TestData;
import io.procvlm.vqa.spark.VqaStage;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/** The documentation names what the code has: every key, column, command and reason code. */
final class TestDocumentation {
    @Test
    void everyConfigurationKeyIsDocumented() throws IOException {
        String doc = read("docs/configuration.md");
        for (ConfigProperty property : AppConfig.schema().properties()) {
            assertThat(doc).as(property.key()).contains("`" + property.key() + "`");
        }
    }

    @Test
    void everyTableColumnIsDocumented() throws IOException {
        String doc = read("docs/tables.md");
        for (StructField field : EpisodesTable.SCHEMA.fields()) {
            assertThat(doc).as("episodes." + field.name()).contains("`" + field.name() + "`");
        }
        for (StructField field : FramesTable.SCHEMA.fields()) {
            assertThat(doc).as("frames." + field.name()).contains("`" + field.name() + "`");
        }
        for (StructField field : SegmentsTable.SCHEMA.fields()) {
            assertThat(doc).as("segments." + field.name()).contains("`" + field.name() + "`");
        }
        for (StructField field : CorpusTable.SCHEMA.fields()) {
            assertThat(doc).as("corpus." + field.name()).contains("`" + field.name() + "`");
        }
        for (StructField field :
                VqaStage.SAMPLE_SCHEMA.add(VqaStage.IMAGES_COLUMN).fields()) {
            assertThat(doc).as("vqa samples." + field.name()).contains("`" + field.name() + "`");
        }
        for (StructField field : VqaStage.IMAGE_SCHEMA.fields()) {
            assertThat(doc).as("vqa images." + field.name()).contains("`" + field.name() + "`");
        }
        for (org.apache.parquet.schema.Type field : io.procvlm.core.images.FeatureImages.SCHEMA.getFields()) {
            assertThat(doc).as("images." + field.getName()).contains("`" + field.getName() + "`");
        }
        for (StructField field : io.procvlm.vqa.spark.ContextPacks.PACK_SCHEMA.fields()) {
            assertThat(doc).as("vqa packs." + field.name()).contains("`" + field.name() + "`");
        }
    }

    @Test
    void everyEpisodeReasonCodeIsDocumented() throws IOException {
        String doc = read("docs/datasets.md");
        for (CoreErrorCode code : CoreErrorCode.values()) {
            int number = code.toErrorCode().code() - 0x0001_0000;
            boolean episodeLevel = number >= 40 && number < 100 || code == CoreErrorCode.INTERNAL;
            if (episodeLevel) {
                assertThat(doc).as(code.name()).contains("`" + code.name() + "`");
            }
        }
    }

    @Test
    void everyAnnotatorReasonCodeIsDocumented() throws IOException {
        String doc = read("docs/progress.md");
        for (AnnotatorErrorCode code : AnnotatorErrorCode.values()) {
            assertThat(doc).as(code.name()).contains("`" + code.name() + "`");
        }
    }

    @Test
    void readmeShowsTheCommands() throws IOException {
        String readme = read("README.md");
        assertThat(readme).contains("scripts/demo", "scripts/test");
        for (String command : new String[] {
            "run",
            "index",
            "features",
            "annotate",
            "label",
            "show",
            "vqa",
            "eval",
            "eval-labels",
            "report",
            "export",
            "plan",
            "validate",
            "catalog",
            "config"
        }) {
            assertThat(readme).contains("scripts/procvlm " + command);
        }
        assertThat(read(".ci/run")).contains("scripts/test");
        assertThat(read("scripts/test")).contains("mvn -B verify");
    }

    private static String read(String relative) throws IOException {
        return Files.readString(TestData.repoRoot().resolve(relative));
    }
}

package io.procvlm.core.dataset.lerobot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

final class TestPythonFormat {
    @Test
    void rendersLeRobotTemplates() {
        assertThat(PythonFormat.render(
                        "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet",
                        Map.of("episode_chunk", 1L, "episode_index", 1042L)))
                .isEqualTo("data/chunk-001/episode_001042.parquet");
        assertThat(PythonFormat.render(
                        "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
                        Map.of("video_key", "observation.images.top", "chunk_index", 0L, "file_index", 12L)))
                .isEqualTo("videos/observation.images.top/chunk-000/file-012.mp4");
        assertThat(PythonFormat.render("{a:d}-{{literal}}", Map.of("a", 7))).isEqualTo("7-{literal}");
    }

    @Test
    void rejectsUnknownPlaceholdersAndSpecs() {
        assertThatThrownBy(() -> PythonFormat.render("x/{chunk}.mp4", Map.of("episode_index", 1)))
                .hasMessageContaining("uses {chunk}, which is not one of");
        assertThatThrownBy(() -> PythonFormat.render("{a:>5}", Map.of("a", 1)))
                .hasMessageContaining("unsupported format spec '>5'");
        assertThatThrownBy(() -> PythonFormat.render("{a", Map.of("a", 1))).hasMessageContaining("Unclosed");
    }

    @Test
    void listsThePlaceholderNames() {
        assertThat(PythonFormat.names("videos/chunk-{chunk_index:03d}/{video_key}/episode_{episode_index:06d}.mp4"))
                .containsExactly("chunk_index", "video_key", "episode_index");
        assertThat(PythonFormat.names("{{literal}}/{a}/{a:03d}")).containsExactly("a");
    }
}

package io.procvlm.core.dataset.hdf5;

import static org.assertj.core.api.Assertions.assertThat;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.object.message.DataLayout;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.testing.TestData;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.junit.jupiter.api.Test;

/**
 * jHDF reads chunked, gzip (deflate) compressed datasets written by libhdf5 itself (h5py, as robomimic and LIBERO write
 * their files): the fixture {@code src-test-data/hdf5-chunked/robomimic-gzip/demo.hdf5} is made by the committed
 * {@code generate.py} with pixel values given by a formula, checked here exactly through the reader.
 */
final class TestHdf5ChunkedGzip {
    private static final Path ROOT = TestData.srcTestData("hdf5-chunked/robomimic-gzip");

    @Test
    void theFixtureIsChunkedAndDeflateCompressed() {
        try (HdfFile hdf = new HdfFile(ROOT.resolve("demo.hdf5"))) {
            Dataset images = hdf.getDatasetByPath("data/demo_0/obs/agentview_image");
            assertThat(images.getDataLayout()).isEqualTo(DataLayout.CHUNKED);
            assertThat(images.getFilters()).extracting(f -> f.getName()).contains("deflate");
            assertThat(images.getStorageInBytes()).isLessThan(images.getSizeInBytes());
            assertThat(images.getDimensions()).containsExactly(6, 48, 64, 3);
        }
    }

    @Test
    void theReaderDecodesTheCompressedFramesExactly() {
        DatasetScan scan = DatasetReaders.scan(
                DatasetSpec.ofPath(ROOT.toString()), new CameraRules(Map.of(), List.of("front"), List.of("wrist")));
        assertThat(scan.format()).isEqualTo(DatasetFormat.HDF5_ROBOMIMIC);
        assertThat(scan.fps()).isEqualTo(20.0);
        assertThat(scan.episodes()).hasSize(2);
        EpisodeRef ref = scan.episodes().get(1);
        assertThat(ref.data().path()).isEqualTo("demo.hdf5#data/demo_1");
        DatasetFiles files = DatasetFiles.at(scan.root());
        EpisodeReader reader = DatasetReaders.episodeReader(ref.format());
        FrameTable table = reader.readFrames(files, ref);
        assertThat(table.rows()).isEqualTo(6);
        assertThat(table.action(2)).containsExactly(1, 2, 3, 4, 5, 6, 7);
        // eef (3) + the two finger joints + the derived opening (finger 0 - finger 1)
        assertThat(table.state(5)).hasSize(6);
        assertThat(table.state(5)[0]).isEqualTo(1.0f);
        assertThat(table.state(0)[5]).isCloseTo(0.08f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(table.state(5)[5]).isCloseTo(0.0f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(ref.columns().gripperDimensions()).containsExactly(5);
        try (FrameSource source = reader.openFrames(files, ref, 1, PixelMode.BGR)) {
            int t = 0;
            for (DecodedFrame frame; (frame = source.next()) != null; t++) {
                UByteIndexer pixels = frame.image().createIndexer();
                for (int y = 0; y < 48; y += 7) {
                    for (int x = 0; x < 64; x += 5) {
                        for (int c = 0; c < 3; c++) {
                            int expected = (7 * t + 3 * y + 5 * x + 11 * c) % 256;
                            assertThat(pixels.get(y, x, 2 - c))
                                    .as("t=%d y=%d x=%d c=%d", t, y, x, c)
                                    .isEqualTo(expected);
                        }
                    }
                }
                pixels.close();
            }
            assertThat(t).isEqualTo(6);
        }
    }
}

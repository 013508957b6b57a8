package io.procvlm.core.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.testing.TestData;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the hash against values computed independently with Debian's Pillow 9.4 and SciPy following imagehash's
 * published algorithm ({@code src-test-data/phash/generate.py}), for fixed images of many sizes.
 */
final class TestPerceptualHash {
    @TestFactory
    List<DynamicTest> matchesImagehashOnFixedImages() throws IOException {
        Path folder = TestData.srcTestData("phash");
        JsonNode expected =
                new ObjectMapper().readTree(folder.resolve("expected.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode image : expected.get("images")) {
            String name = image.get("file").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Luma luma = readLuma(folder.resolve(name).toFile());
                int[] resized = new int[32 * 32];
                new PilLanczosResampler(luma.width, luma.height, 32, 32).resample(luma.pixels, luma.width, resized);
                int[] expectedResized = new int[32 * 32];
                for (int i = 0; i < expectedResized.length; i++) {
                    expectedResized[i] = image.get("resized32").get(i).asInt();
                }
                assertThat(resized).as("Pillow LANCZOS 32x32 of %s", name).containsExactly(expectedResized);
                long hash = new PerceptualHash().hash(luma.pixels, luma.width, luma.height, luma.width);
                assertThat(PerceptualHash.toHex(hash))
                        .as("phash of %s", name)
                        .isEqualTo(image.get("phash").asText());
                // The pipeline's path: an OpenCV Mat (transposed natively), twice to exercise the reused buffers.
                try (Mat mat = new Mat(luma.height, luma.width, opencv_core.CV_8UC1)) {
                    mat.data().put(luma.pixels);
                    PerceptualHash reused = new PerceptualHash();
                    assertThat(reused.hash(mat)).isEqualTo(hash);
                    assertThat(reused.hash(mat)).isEqualTo(hash);
                }
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(8);
        return tests;
    }

    @Test
    void matchingBitsCountsEqualBits() {
        assertThat(PerceptualHash.matchingBits(0L, 0L)).isEqualTo(64);
        assertThat(PerceptualHash.matchingBits(0L, -1L)).isZero();
        assertThat(PerceptualHash.matchingBits(0b1011L, 0b0011L)).isEqualTo(63);
    }

    @Test
    void lumaFollowsPillow() {
        assertThat(PerceptualHash.luma(255, 255, 255)).isEqualTo(255);
        assertThat(PerceptualHash.luma(0, 0, 0)).isZero();
        // Pillow: Image.new("RGB", (1, 1), (200, 100, 50)).convert("L").getpixel((0, 0)) == 124
        assertThat(PerceptualHash.luma(200, 100, 50)).isEqualTo(124);
    }

    private record Luma(byte[] pixels, int width, int height) {}

    private static Luma readLuma(File file) throws IOException {
        BufferedImage image = ImageIO.read(file);
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] pixels = new byte[width * height];
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int value = bands == 1
                        ? raster.getSample(x, y, 0)
                        : PerceptualHash.luma(
                                raster.getSample(x, y, 0), raster.getSample(x, y, 1), raster.getSample(x, y, 2));
                pixels[y * width + x] = (byte) value;
            }
        }
        return new Luma(pixels, width, height);
    }
}

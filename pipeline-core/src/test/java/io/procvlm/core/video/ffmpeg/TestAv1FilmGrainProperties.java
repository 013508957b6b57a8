package io.procvlm.core.video.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.TestData;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Av1FilmGrain} reads bytes from any container: whatever they are, it answers (yes, no or unknown) and never
 * throws, so a damaged or foreign {@code av1C} record cannot fail a decode.
 */
final class TestAv1FilmGrainProperties {
    /** The {@code av1C} record of the committed AV1 clip, the starting point of the damaged ones. */
    private static final byte[] RECORD = record();

    @Property(tries = 2000)
    void anyBytesGetAnAnswer(@ForAll byte[] bytes) {
        assertThat(Av1FilmGrain.declared(bytes)).isNotNull();
    }

    @Property(tries = 3000)
    void aDamagedRecordGetsAnAnswer(@ForAll("damaged") byte[] bytes) {
        Optional<Boolean> answer = Av1FilmGrain.declared(bytes);
        assertThat(answer).isNotNull();
    }

    @Example
    void theIntactRecordSaysNoGrain() {
        assertThat(Av1FilmGrain.declared(RECORD.clone())).contains(false);
    }

    /** The real record with bytes changed, cut, or with bytes appended: what a damaged file's extradata looks like. */
    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<byte[]> changed = Arbitraries.integers()
                .between(0, RECORD.length - 1)
                .list()
                .ofMinSize(1)
                .ofMaxSize(6)
                .flatMap(positions ->
                        Arbitraries.bytes().list().ofSize(positions.size()).map(values -> change(positions, values)));
        Arbitrary<byte[]> cut =
                Arbitraries.integers().between(0, RECORD.length).map(length -> java.util.Arrays.copyOf(RECORD, length));
        Arbitrary<byte[]> extended = Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(64)
                .map(tail -> {
                    byte[] out = java.util.Arrays.copyOf(RECORD, RECORD.length + tail.length);
                    System.arraycopy(tail, 0, out, RECORD.length, tail.length);
                    return out;
                });
        return Arbitraries.oneOf(changed, cut, extended);
    }

    private static byte[] change(List<Integer> positions, List<Byte> values) {
        byte[] out = RECORD.clone();
        for (int i = 0; i < positions.size(); i++) {
            out[positions.get(i)] = values.get(i);
        }
        return out;
    }

    private static byte[] record() {
        return TestAv1FilmGrain.record(
                TestData.srcTestData("video/moving-square-av1.mp4").toFile());
    }
}

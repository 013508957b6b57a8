package io.procvlm.core.video.ffmpeg;

import java.util.Optional;

/**
 * Whether an AV1 stream declares film grain ({@code film_grain_params_present} of its sequence header, AV1
 * specification 5.5), read from the {@code av1C} record FFmpeg gives as the stream's extradata (mp4 and Matroska): the
 * record's four bytes, then its configuration OBUs, the sequence header among them.
 *
 * <p>It matters because libaom's film grain synthesis keeps its state in process-wide variables: two libaom decoders
 * adding grain at once in one JVM corrupt each other's frames ({@link FfmpegFrameSource} serialises them).
 */
final class Av1FilmGrain {
    private static final int OBU_SEQUENCE_HEADER = 1;
    private static final int AV1C_HEADER_BYTES = 4;

    private Av1FilmGrain() {}

    /**
     * The stream's {@code film_grain_params_present}, or empty when {@code av1c} is not an {@code av1C} record or
     * holds no complete sequence header (the record may leave it to the first frames).
     */
    static Optional<Boolean> declared(byte[] av1c) {
        if (av1c == null || av1c.length <= AV1C_HEADER_BYTES || (av1c[0] & 0xff) != 0x81) {
            return Optional.empty();
        }
        int position = AV1C_HEADER_BYTES;
        try {
            while (position < av1c.length) {
                int header = av1c[position++] & 0xff;
                int type = (header >> 3) & 0x0f;
                boolean extension = (header & 0x04) != 0;
                boolean sized = (header & 0x02) != 0;
                if (extension) {
                    position++;
                }
                long size = av1c.length - position;
                if (sized) {
                    long value = 0;
                    for (int i = 0; i < 8; i++) {
                        int b = av1c[position++] & 0xff;
                        value |= (long) (b & 0x7f) << (7 * i);
                        if ((b & 0x80) == 0) {
                            break;
                        }
                    }
                    size = value;
                }
                if (size < 0 || position + size > av1c.length) {
                    return Optional.empty();
                }
                if (type == OBU_SEQUENCE_HEADER) {
                    return Optional.of(filmGrain(new Bits(av1c, position, (int) size)));
                }
                position += (int) size;
            }
        } catch (IndexOutOfBoundsException e) {
            return Optional.empty(); // a record cut short
        }
        return Optional.empty();
    }

    /** {@code sequence_header_obu()} read up to {@code film_grain_params_present}, its last field. */
    private static boolean filmGrain(Bits bits) {
        int profile = bits.read(3);
        bits.read(1); // still_picture
        boolean reduced = bits.flag();
        if (reduced) {
            bits.read(5); // seq_level_idx[0]
        } else {
            boolean decoderModel = false;
            if (bits.flag()) { // timing_info_present_flag
                bits.read(32); // num_units_in_display_tick
                bits.read(32); // time_scale
                if (bits.flag()) { // equal_picture_interval
                    bits.uvlc(); // num_ticks_per_picture_minus_1
                }
                decoderModel = bits.flag();
            }
            int bufferDelayLength = 0;
            if (decoderModel) {
                bufferDelayLength = bits.read(5) + 1;
                bits.read(32); // num_units_in_decoding_tick
                bits.read(5); // buffer_removal_time_length_minus_1
                bits.read(5); // frame_presentation_time_length_minus_1
            }
            boolean initialDisplayDelay = bits.flag();
            int operatingPoints = bits.read(5) + 1;
            for (int i = 0; i < operatingPoints; i++) {
                bits.read(12); // operating_point_idc
                int level = bits.read(5);
                if (level > 7) {
                    bits.read(1); // seq_tier
                }
                if (decoderModel && bits.flag()) { // decoder_model_present_for_this_op
                    bits.read(bufferDelayLength); // decoder_buffer_delay
                    bits.read(bufferDelayLength); // encoder_buffer_delay
                    bits.read(1); // low_delay_mode_flag
                }
                if (initialDisplayDelay && bits.flag()) {
                    bits.read(4); // initial_display_delay_minus_1
                }
            }
        }
        int widthBits = bits.read(4) + 1;
        int heightBits = bits.read(4) + 1;
        bits.read(widthBits); // max_frame_width_minus_1
        bits.read(heightBits); // max_frame_height_minus_1
        if (!reduced && bits.flag()) { // frame_id_numbers_present_flag
            bits.read(4); // delta_frame_id_length_minus_2
            bits.read(3); // additional_frame_id_length_minus_1
        }
        bits.read(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
        if (!reduced) {
            bits.read(4); // enable_interintra_compound, enable_masked_compound, enable_warped_motion, dual_filter
            boolean orderHint = bits.flag();
            if (orderHint) {
                bits.read(2); // enable_jnt_comp, enable_ref_frame_mvs
            }
            boolean forceScreenContent = bits.flag() || bits.flag(); // seq_choose_screen_content_tools, or the force
            if (forceScreenContent && !bits.flag()) { // seq_choose_integer_mv
                bits.read(1); // seq_force_integer_mv
            }
            if (orderHint) {
                bits.read(3); // order_hint_bits_minus_1
            }
        }
        bits.read(3); // enable_superres, enable_cdef, enable_restoration
        colourConfig(bits, profile);
        return bits.flag();
    }

    /** {@code color_config()}. */
    private static void colourConfig(Bits bits, int profile) {
        boolean highBitDepth = bits.flag();
        boolean twelveBit = profile == 2 && highBitDepth && bits.flag();
        boolean monochrome = profile != 1 && bits.flag();
        int primaries = 2;
        int transfer = 2;
        int matrix = 2;
        if (bits.flag()) { // color_description_present_flag
            primaries = bits.read(8);
            transfer = bits.read(8);
            matrix = bits.read(8);
        }
        if (monochrome) {
            bits.read(1); // color_range
            return; // separate_uv_delta_q is 0, not coded
        }
        boolean srgb = primaries == 1 && transfer == 13 && matrix == 0;
        if (!srgb) {
            bits.read(1); // color_range
            boolean subsampledX;
            boolean subsampledY;
            if (profile == 0) {
                subsampledX = true;
                subsampledY = true;
            } else if (profile == 1) {
                subsampledX = false;
                subsampledY = false;
            } else if (twelveBit) {
                subsampledX = bits.flag();
                subsampledY = subsampledX && bits.flag();
            } else {
                subsampledX = true;
                subsampledY = false;
            }
            if (subsampledX && subsampledY) {
                bits.read(2); // chroma_sample_position
            }
        }
        bits.read(1); // separate_uv_delta_q
    }

    /** Most significant bit first, as AV1's {@code f(n)}. */
    private static final class Bits {
        private final byte[] data;
        private final long end;
        private long bit;

        Bits(byte[] data, int offset, int length) {
            this.data = data;
            this.bit = 8L * offset;
            this.end = 8L * (offset + length);
        }

        int read(int count) {
            long value = 0;
            for (int i = 0; i < count; i++) {
                if (bit >= end) {
                    throw new IndexOutOfBoundsException("sequence header cut short");
                }
                int b = (data[(int) (bit >> 3)] >> (7 - (int) (bit & 7))) & 1;
                value = (value << 1) | b;
                bit++;
            }
            return (int) value;
        }

        boolean flag() {
            return read(1) == 1;
        }

        /** {@code uvlc()}. */
        void uvlc() {
            int zeros = 0;
            while (!flag()) {
                zeros++;
                if (zeros >= 32) {
                    return;
                }
            }
            read(zeros);
        }
    }
}

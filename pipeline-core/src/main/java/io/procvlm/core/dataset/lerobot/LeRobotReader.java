package io.procvlm.core.dataset.lerobot;

import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReader;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.ReaderCapabilities;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import java.util.List;
import java.util.Optional;

/** LeRobot v2.0, v2.1 and v3.0, recognised by {@code meta/info.json}. */
public final class LeRobotReader implements DatasetReader {
    public static final LeRobotReader INSTANCE = new LeRobotReader();

    private LeRobotReader() {}

    @Override
    public String family() {
        return "lerobot";
    }

    @Override
    public List<DatasetFormat> formats() {
        return List.of(DatasetFormat.LEROBOT_V2_0, DatasetFormat.LEROBOT_V2_1, DatasetFormat.LEROBOT_V3_0);
    }

    @Override
    public ReaderCapabilities capabilities() {
        return new ReaderCapabilities(true, true, true, true, true);
    }

    @Override
    public Optional<DatasetFormat> detect(DatasetFiles files) {
        if (!files.exists(LeRobotInfo.INFO_PATH)) {
            return Optional.empty();
        }
        return Optional.of(LeRobotDatasetReader.readInfo(files).format());
    }

    @Override
    public DatasetScan scan(DatasetId id, DatasetFiles files, String explicitCamera, CameraRules rules) {
        return LeRobotDatasetReader.scan(id, files, explicitCamera, rules);
    }

    @Override
    public EpisodeReader episodes() {
        return LeRobotEpisodeReader.INSTANCE;
    }
}

package io.streamwatch.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointDirsTest {
    @TempDir
    Path dir;

    private Path checkpoint(String run, int n, boolean completed, long mtime) throws Exception {
        Path chk = Files.createDirectories(dir.resolve(run).resolve("chk-" + n));
        if (completed) {
            Path meta = Files.writeString(chk.resolve("_metadata"), "x");
            Files.setLastModifiedTime(meta, FileTime.fromMillis(mtime));
        }
        return chk;
    }

    @Test
    void picksTheNewestCompletedCheckpointAcrossRuns() throws Exception {
        checkpoint("run-a", 7, true, 1_000);
        // A restored run continues the numbering: run-b started from run-a's chk-7.
        Path newest = checkpoint("run-b", 9, true, 900);
        checkpoint("run-b", 8, true, 2_000);
        checkpoint("run-b", 10, false, 0);
        Files.createDirectories(dir.resolve("run-b").resolve("shared"));
        assertEquals(newest, CheckpointDirs.latestCompleted(dir).orElseThrow());
    }

    @Test
    void findsNothingWhereNoCheckpointCompleted() throws Exception {
        checkpoint("run-a", 1, false, 0);
        assertTrue(CheckpointDirs.latestCompleted(dir).isEmpty());
        assertTrue(CheckpointDirs.latestCompleted(dir.resolve("missing")).isEmpty());
    }
}

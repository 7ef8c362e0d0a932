package io.streamwatch.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a job's newest completed checkpoint on disk. Flink writes dir/&lt;job-id&gt;/chk-N and
 * adds chk-N/_metadata last, so a checkpoint without _metadata was cut off by a crash. A job
 * restored from chk-N numbers its next checkpoints N+1..., so the highest number is the newest,
 * across runs too.
 */
final class CheckpointDirs {
    private CheckpointDirs() {}

    static Optional<Path> latestCompleted(Path jobDir) throws IOException {
        if (!Files.isDirectory(jobDir)) return Optional.empty();
        try (Stream<Path> runs = Files.list(jobDir)) {
            return runs.filter(Files::isDirectory)
                    .flatMap(CheckpointDirs::checkpointsOf)
                    .filter(chk -> Files.isRegularFile(chk.resolve("_metadata")))
                    .max(Comparator.comparing(CheckpointDirs::number).thenComparing(CheckpointDirs::completedAt));
        }
    }

    private static Stream<Path> checkpointsOf(Path run) {
        try (Stream<Path> entries = Files.list(run)) {
            return entries.filter(p -> p.getFileName().toString().matches("chk-\\d+")).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static FileTime completedAt(Path chk) {
        try {
            return Files.getLastModifiedTime(chk.resolve("_metadata"));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static long number(Path chk) {
        return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
    }
}

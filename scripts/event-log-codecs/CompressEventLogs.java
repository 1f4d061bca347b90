// Compresses JSON-lines event logs with the same Java libraries and stream settings Spark's CompressionCodec uses
// (apache/spark core/src/main/scala/org/apache/spark/io/CompressionCodec.scala), and writes them the way
// EventLogFileWriters.scala does: text through a PrintWriter over a 32 KiB BufferedOutputStream over the codec stream,
// flushed after the events EventLoggingListener logs with flushLogger = true.
//
// Usage: java -cp <jars> CompressEventLogs.java <codec> <input file> <output file>
import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import com.ning.compress.lzf.LZFOutputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import net.jpountz.lz4.LZ4BlockOutputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.SnappyOutputStream;

public final class CompressEventLogs {
    /** Events that EventLoggingListener logs with flushLogger = true (the rest are buffered). */
    private static final Set<String> FLUSHED = Set.of(
        "SparkListenerStageCompleted", "SparkListenerJobStart", "SparkListenerJobEnd",
        "SparkListenerBlockManagerAdded", "SparkListenerBlockManagerRemoved", "SparkListenerUnpersistRDD",
        "SparkListenerApplicationStart", "SparkListenerApplicationEnd", "SparkListenerExecutorAdded",
        "SparkListenerExecutorRemoved", "SparkListenerExecutorBlacklisted", "SparkListenerExecutorExcluded",
        "SparkListenerNodeBlacklisted", "SparkListenerNodeExcluded", "SparkListenerLogStart");

    private CompressEventLogs() {
    }

    /** The codec stream with Spark's defaults: 32k blocks for lz4 and snappy, zstd level 1 with a 32k buffer. */
    static OutputStream codec(String name, OutputStream out) throws IOException {
        switch (name) {
            case "lz4":
                // spark.io.compression.lz4.blockSize = 32k; xxhash32 checksum with LZ4BlockOutputStream's seed; syncFlush false.
                return new LZ4BlockOutputStream(out, 32 * 1024, LZ4Factory.fastestInstance().fastCompressor(),
                    XXHashFactory.fastestInstance().newStreamingHash32(0x9747b28c).asChecksum(), false);
            case "snappy":
                // spark.io.compression.snappy.blockSize = 32k.
                return new SnappyOutputStream(out, 32 * 1024);
            case "lzf":
                return new LZFOutputStream(out).setFinishBlockOnFlush(true);
            case "zstd":
                // spark.io.compression.zstd.level = 1, spark.io.compression.zstd.bufferSize = 32k, buffer pool on.
                return new BufferedOutputStream(
                    new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE).setLevel(1), 32 * 1024);
            default:
                throw new IllegalArgumentException("unknown codec " + name + " (lz4, lzf, snappy, zstd)");
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: CompressEventLogs <lz4|lzf|snappy|zstd> <input> <output>");
            System.exit(2);
        }

        try (BufferedReader in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8);
             PrintWriter writer = new PrintWriter(new OutputStreamWriter(
                 new BufferedOutputStream(codec(args[0], new FileOutputStream(args[2])), 32 * 1024), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                // Spark writes each event with println (a "\n" line separator on Linux).
                writer.print(line);
                writer.print('\n');
                int start = line.indexOf("\"Event\":\"");
                if (start >= 0) {
                    int end = line.indexOf('"', start + 9);
                    if (end > 0 && FLUSHED.contains(line.substring(start + 9, end))) {
                        writer.flush();
                    }
                }
            }
        }
    }
}

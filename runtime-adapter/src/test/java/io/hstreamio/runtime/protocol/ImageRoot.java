package io.hstreamio.runtime.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A connector image tarball (docker-archive format, as Jib's buildTar writes it) unpacked into a root file system, and
 * run the way {@code docker run --rm -i -v TASKDIR:/data IMAGE ARGS} runs it, without a Docker engine: in new mount and
 * PID namespaces ({@code unshare}, with /proc, /dev and /etc/hosts mounted as Docker does), chrooted into the image,
 * with the image's entrypoint and environment. The network is the host's, so 127.0.0.1 reaches the test servers.
 * Needs root.
 */
final class ImageRoot {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final List<String> entrypoint;
    private final Map<String, String> env;

    private ImageRoot(Path root, List<String> entrypoint, Map<String, String> env) {
        this.root = root;
        this.entrypoint = entrypoint;
        this.env = env;
    }

    /** Unpacks {@code imageTar}'s layers, in order, into {@code dir}/rootfs. */
    static ImageRoot unpack(Path imageTar, Path dir) throws IOException, InterruptedException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        Path root = Files.createDirectories(dir.resolve("rootfs"));
        run(List.of("tar", "-xf", imageTar.toString(), "-C", archive.toString()));
        JsonNode manifest = JSON.readTree(archive.resolve("manifest.json").toFile()).get(0);
        for (JsonNode layer : manifest.get("Layers")) {
            run(List.of("tar", "-xf", archive.resolve(layer.asText()).toString(), "-C", root.toString()));
        }
        JsonNode config = JSON.readTree(archive.resolve(manifest.get("Config").asText()).toFile()).get("config");
        List<String> entrypoint = new ArrayList<>();
        config.get("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        Map<String, String> env = new LinkedHashMap<>();
        if (config.has("Env")) {
            for (JsonNode e : config.get("Env")) {
                String[] kv = e.asText().split("=", 2);
                env.put(kv[0], kv[1]);
            }
        }
        for (String mountPoint : List.of("proc", "dev", "data", "etc")) {
            Files.createDirectories(root.resolve(mountPoint));
        }
        if (!Files.exists(root.resolve("etc/hosts"))) {
            Files.createFile(root.resolve("etc/hosts"));
        }
        return new ImageRoot(root, List.copyOf(entrypoint), Map.copyOf(env));
    }

    List<String> entrypoint() {
        return entrypoint;
    }

    /** Starts {@code IMAGE args} with {@code dataDir} at /data; stderr goes to {@code stderr}. */
    Process start(Path dataDir, Path stderr, String... args) throws IOException {
        String r = root.toString();
        // Docker's mounts; unshare keeps them private to the child's namespace and removes them when it exits.
        String script = "/bin/mount --rbind /dev '" + r + "/dev' && /bin/mount --bind /etc/hosts '" + r
                + "/etc/hosts'" + (dataDir == null ? "" : " && /bin/mount --bind '" + dataDir + "' '" + r + "/data'")
                + " && cd / && exec /usr/sbin/chroot '" + r + "' \"$@\"";
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork", "--kill-child",
                "--mount-proc=" + r + "/proc", "/bin/sh", "-c", script, "image"));
        cmd.addAll(entrypoint);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        pb.environment().clear();
        pb.environment().putAll(env); // chroot looks the entrypoint up in the image's PATH
        return pb.start();
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}

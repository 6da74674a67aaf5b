package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.TaskStates;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker:IMAGE} connectors: the runtime runs them with the stock {@code docker run} flags, removes a leftover
 * container of the task before each run, and kills a task through the engine ({@code docker kill}), since killing the
 * attached client would leave the container running. No Docker engine runs here, so the engine is a stand-in script
 * that logs each call and runs the scripted image ({@link FakeImageMain}) with the volume's config.json; that the real
 * images run under {@code docker run -i -v TASKDIR:/data} is {@code ConnectorImageIT}'s part.
 */
class ContainerImagesIT {
    private static final SupervisorSettings SETTINGS = new SupervisorSettings(Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(3));
    private static final String IMAGE = "hstream-io/scripted:1";

    @TempDir
    Path dir;

    private StreamStore store;
    private RuntimeService runtime;
    private Path calls;

    @BeforeEach
    void open() throws IOException {
        Path state = Files.createDirectories(dir.resolve("engine"));
        calls = state.resolve("calls.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = """
                #!/bin/bash
                # A stand-in for the docker CLI, for the arguments the runtime uses.
                state='%s'
                echo "$*" >> "$state/calls.log"
                case "$1" in
                  version) echo "stand-in engine"; exit 0 ;;
                  rm|kill) name="${@: -1}"
                    if [ -f "$state/$name.pid" ]; then kill -9 "$(cat "$state/$name.pid")" 2>/dev/null; rm -f "$state/$name.pid"; fi
                    exit 0 ;;
                  run) shift ;;
                  *) echo "engine: unknown command $1" >&2; exit 125 ;;
                esac
                name=; src=
                while [ $# -gt 0 ]; do
                  case "$1" in
                    --rm|-i|--network=*) shift ;;
                    --name) name="$2"; shift 2 ;;
                    -v) src="${2%%:/data}"; shift 2 ;;
                    -*) echo "engine: unexpected flag $1" >&2; exit 125 ;;
                    *) break ;;
                  esac
                done
                [ "$1" = '%s' ] || { echo "engine: no image $1" >&2; exit 125; }
                shift
                [ "$*" = "run --config /data/config.json" ] || { echo "engine: unexpected arguments $*" >&2; exit 125; }
                echo $$ > "$state/$name.pid"
                exec '%s' -Xmx64m -cp '%s' %s run --config "$src/config.json"
                """.formatted(state, IMAGE, java, System.getProperty("java.class.path"), FakeImageMain.class.getName());
        Path engine = Files.writeString(state.resolve("engine"), script);
        Files.setPosixFilePermissions(engine, PosixFilePermissions.fromString("rwx------"));

        store = EmbeddedStreamStore.open(dir.resolve("data"));
        Images images = new Images(Map.of("source/scripted", List.of(Images.CONTAINER_PREFIX + IMAGE)),
                dir.resolve("tasks"), Optional.of("hstream://127.0.0.1:6570"), Duration.ofSeconds(3),
                List.of(engine.toString()), "hstream-tasks");
        runtime = new RuntimeService(store, Connectors.discover(), Clock.systemUTC(), SETTINGS, images);
    }

    @AfterEach
    void close() {
        runtime.close();
        store.close();
    }

    private Map<String, Object> view(String name) {
        return runtime.connectorView(name).orElseThrow();
    }

    private int count(String name) {
        String taskId = (String) view(name).get("taskId");
        return store.keyValueStore(TaskStates.namespace(taskId)).get("count")
                .map(b -> Integer.parseInt(new String(b, StandardCharsets.UTF_8))).orElse(0);
    }

    private List<String> engineCalls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void aContainerRunsWithTheStockFlagsAndIsRestartedAfterACrashFromItsState() throws Exception {
        runtime.execute("CREATE SOURCE CONNECTOR s FROM scripted WITH (\"stream\"='x', \"rows\"=20, \"crashAt\"=5)");
        await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(view("s").get("status")));
        assertThat(view("s").get("restarts")).isEqualTo(1);
        assertThat(count("s")).isEqualTo(20);

        String task = (String) view("s").get("taskId");
        String name = "IOTASK_" + task;
        String run = "run --rm -i --network=hstream-tasks --name " + name + " -v "
                + dir.resolve("tasks").resolve(task).toAbsolutePath() + ":/data " + IMAGE
                + " run --config /data/config.json";
        assertThat(engineCalls()).as("a leftover container removed before each of the two runs")
                .containsExactly("rm -f " + name, run, "rm -f " + name, run);
    }

    @Test
    void aContainerThatIgnoresStopIsKilledThroughTheEngine() throws Exception {
        runtime.execute("CREATE SOURCE CONNECTOR s FROM scripted WITH (\"stream\"='x', \"ignoreStop\"=true)");
        await().atMost(Duration.ofSeconds(60)).until(() -> count("s") > 0);
        runtime.execute("PAUSE CONNECTOR s");
        assertThat(view("s")).containsEntry("status", "STOPPED");
        String name = "IOTASK_" + view("s").get("taskId");
        // The watchdog kills it once the grace period is over, through the engine.
        await().atMost(Duration.ofSeconds(10)).until(() -> engineCalls().contains("kill " + name));
        int frozen = count("s");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> count("s") == frozen);
    }
}

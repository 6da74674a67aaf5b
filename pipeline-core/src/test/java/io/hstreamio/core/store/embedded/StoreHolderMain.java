package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.StreamRecord;
import java.nio.file.Path;
import java.util.List;

/** Test helper run in a child JVM: opens a store, writes a little, prints "ready", then holds it until killed. */
public final class StoreHolderMain {
    private StoreHolderMain() {}

    public static void main(String[] args) throws Exception {
        EmbeddedStreamStore store = EmbeddedStreamStore.open(Path.of(args[0]));
        store.createStream("held", 1);
        store.append("held", List.of(StreamRecord.raw("k", new byte[] {1}))).join();
        System.out.println("ready");
        System.out.flush();
        // Hold the directory until the parent kills this JVM (or closes stdin).
        System.in.read();
        store.close();
    }
}

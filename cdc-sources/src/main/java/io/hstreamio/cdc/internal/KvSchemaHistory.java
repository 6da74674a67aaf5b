package io.hstreamio.cdc.internal;

import io.debezium.config.Configuration;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;
import io.hstreamio.core.store.KeyValueStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Debezium's schema history in the task's {@link KeyValueStore}, in the stock layout: {@code history_<i>} holds the
 * i-th record as JSON text, {@code history_count} the number of records (decimal text).
 *
 * <p>A record is written before the count that makes it visible, so a crash between the two leaves a stray record
 * that the next write overwrites. Created reflectively by the connector from {@code schema.history.internal}; the
 * connector's task thread calls {@code record} and {@code recover}. Methods are synchronized.
 */
public final class KvSchemaHistory extends AbstractSchemaHistory {
    public static final String COUNT_KEY = "history_count";
    public static final String RECORD_KEY_PREFIX = "history_";

    private KeyValueStore store;

    @Override
    public synchronized void configure(Configuration config, HistoryRecordComparator comparator,
            SchemaHistoryListener listener, boolean useCatalogBeforeSchema) {
        super.configure(config, comparator, listener, useCatalogBeforeSchema);
        String id = config.getString(CONFIGURATION_FIELD_PREFIX_STRING + KvRegistry.ID_PROPERTY);
        store = KvRegistry.lookup(id != null ? id : config.getString(KvRegistry.ID_PROPERTY));
    }

    @Override
    protected synchronized void storeRecord(HistoryRecord record) throws SchemaHistoryException {
        try {
            int count = count(store);
            store.put(RECORD_KEY_PREFIX + count, DocumentWriter.defaultWriter().writeAsBytes(record.document()));
            store.put(COUNT_KEY, Integer.toString(count + 1).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new SchemaHistoryException("cannot store schema history record in the task's key/value store", e);
        }
    }

    @Override
    protected synchronized void recoverRecords(Consumer<HistoryRecord> records) {
        for (HistoryRecord r : readAll(store)) {
            records.accept(r);
        }
    }

    @Override
    public synchronized boolean exists() {
        return store != null && store.get(COUNT_KEY).isPresent();
    }

    @Override
    public boolean storageExists() {
        return store != null;
    }

    @Override
    public String toString() {
        return "key/value schema history";
    }

    /** All history records in order. */
    public static List<HistoryRecord> readAll(KeyValueStore store) {
        int count = count(store);
        List<HistoryRecord> out = new ArrayList<>(count);
        DocumentReader reader = DocumentReader.defaultReader();
        for (int i = 0; i < count; i++) {
            String key = RECORD_KEY_PREFIX + i;
            byte[] bytes = store.get(key).orElseThrow(() -> new SchemaHistoryException(
                    "schema history is missing '" + key + "' below " + COUNT_KEY + "=" + count
                            + ": the task state is damaged; drop the connector's state and re-snapshot"));
            try {
                out.add(new HistoryRecord(reader.read(bytes)));
            } catch (IOException e) {
                throw new SchemaHistoryException("schema history record '" + key + "' is not valid JSON", e);
            }
        }
        return out;
    }

    private static int count(KeyValueStore store) {
        return store.get(COUNT_KEY)
                .map(b -> Integer.parseInt(new String(b, StandardCharsets.UTF_8).trim()))
                .orElse(0);
    }
}

/**
 * CDC sources (issue 3): {@code mysql}, {@code mariadb} and {@code postgresql} toolkit sources on Debezium embedded.
 *
 * <p>The public surface is the toolkit SPI ({@link io.hstreamio.cdc.CdcSourceConnector},
 * {@link io.hstreamio.cdc.CdcSourceTask}), the options ({@link io.hstreamio.cdc.CdcOptions}) and
 * {@link io.hstreamio.cdc.CdcConfig}; none of it mentions Debezium or Kafka Connect types, which stay in
 * {@code io.hstreamio.cdc.internal} (an architecture test holds this).
 *
 * <p>State lives in the task's key/value store only: Debezium offsets under {@code debezium_offsets}, schema history
 * under {@code history_count} / {@code history_<i>}. Offsets advance only when the runner reports events durable.
 */
package io.hstreamio.cdc;

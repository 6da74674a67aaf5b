/**
 * CDC sources (issue 3): MySQL/MariaDB binlog and PostgreSQL WAL through Debezium embedded. Debezium and Kafka Connect
 * types stay inside this module.
 */
package io.hstreamio.cdc;

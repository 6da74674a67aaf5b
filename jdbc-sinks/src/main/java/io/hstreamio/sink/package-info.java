/** JDBC sinks (issue 4): PostgreSQL and MySQL/MariaDB targets with schema creation and effectively-once writes. */
package io.hstreamio.sink;

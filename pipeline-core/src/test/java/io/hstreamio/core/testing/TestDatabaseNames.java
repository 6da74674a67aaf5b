package io.hstreamio.core.testing;

import java.util.HexFormat;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Unique database names {@code t_<class>_<random>}: lower case letters, digits and underscores only, so that
 * neither engine needs quoting and both accept the length (PostgreSQL keeps 63 bytes, MariaDB 64).
 */
final class TestDatabaseNames {

  static final int MAX_LENGTH = 63;
  static final Pattern VALID = Pattern.compile("t_[a-z0-9]{0,40}_[0-9a-f]{12}");

  private static final int MAX_CLASS_PART = 40;

  private TestDatabaseNames() {}

  static String newName(String className, RandomGenerator random) {
    String simple = className.substring(className.lastIndexOf('.') + 1);
    String cleaned = simple.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String classPart = cleaned.length() > MAX_CLASS_PART ? cleaned.substring(0, MAX_CLASS_PART) : cleaned;
    // 48 random bits: classes running at the same time on the shared servers (other modules, other checkouts)
    // practically never collide.
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    return "t_" + classPart + "_" + HexFormat.of().formatHex(bytes);
  }
}

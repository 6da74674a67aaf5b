package io.hstreamio.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TestDatabaseNamesTest {

  @Test
  void anyClassNameGivesAnIdentifierBothEnginesAcceptUnquoted() {
    RandomCases.forAll(gen -> {
      String className = gen.text(300);
      String name = TestDatabaseNames.newName(className, new SplittableRandom(gen.anyLong()));

      assertThat(name).matches(TestDatabaseNames.VALID).hasSizeLessThanOrEqualTo(TestDatabaseNames.MAX_LENGTH);
    });
  }

  @Test
  void nameCarriesTheSimpleClassNameInLowerCase() {
    String name = TestDatabaseNames.newName("io.hstreamio.cdc.MariaDb_SourceIT", new Random(1));

    assertThat(name).startsWith("t_mariadbsourceit_");
  }

  @Test
  void namesForTheSameClassDiffer() {
    Random random = new Random(7);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      names.add(TestDatabaseNames.newName("SameIT", random));
    }

    assertThat(names).hasSize(10_000);
  }
}

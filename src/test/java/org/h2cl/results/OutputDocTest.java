package org.h2cl.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/** docs/OUTPUT.md lists exactly the columns and types of {@link ResultSchemas}. */
class OutputDocTest {

  private static final Pattern SECTION = Pattern.compile("^## `(\\w+)`$");
  private static final Pattern ROW = Pattern.compile("^\\| (\\w+) \\| ([^|]+) \\|");

  @Test
  void everyTableIsDocumentedColumnByColumn() throws IOException {
    Map<String, List<String>> documented = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : Files.readAllLines(Path.of("docs/OUTPUT.md"))) {
      Matcher section = SECTION.matcher(line);
      Matcher row = ROW.matcher(line);
      if (section.matches()) {
        current = new ArrayList<>();
        documented.put(section.group(1), current);
      } else if (current != null && row.find() && !row.group(1).equals("column")) {
        String type = row.group(2).replace("&lt;", "<").replace("&gt;", ">").replace(" ", "");
        current.add(row.group(1) + " " + type);
      }
    }

    Map<String, List<String>> defined = new LinkedHashMap<>();
    ResultSchemas.TABLES.forEach(
        (table, schema) -> {
          List<String> columns = new ArrayList<>();
          for (StructField f : schema.fields()) {
            columns.add(f.name() + " " + f.dataType().simpleString());
          }
          defined.put(table, columns);
        });
    assertEquals(defined, documented);
  }
}

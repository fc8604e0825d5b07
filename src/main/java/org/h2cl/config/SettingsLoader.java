package org.h2cl.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.h2cl.compute.Backends;
import org.h2cl.config.H2Settings.AssociationSettings;
import org.h2cl.config.H2Settings.CheckpointSettings;
import org.h2cl.config.H2Settings.ComputeSettings;
import org.h2cl.config.H2Settings.DataSettings;
import org.h2cl.config.H2Settings.DataSource;
import org.h2cl.config.H2Settings.FixesSettings;
import org.h2cl.config.H2Settings.ModelSettings;
import org.h2cl.config.H2Settings.OutputSettings;
import org.h2cl.config.H2Settings.PruneSettings;
import org.h2cl.config.H2Settings.RetrainSettings;
import org.h2cl.config.H2Settings.ReuseSettings;
import org.h2cl.config.H2Settings.SparkSettings;
import org.h2cl.config.H2Settings.TrainSettings;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Kernels;

/**
 * Builds the validated {@link H2Settings} of a run. Layers, highest first: system properties {@code
 * h2.*}, {@code key=value} arguments (later ones win), the conf file, {@code reference.conf}. Every
 * problem (unknown key, wrong type, value out of range, unreadable file, malformed argument) is
 * collected and reported at once in a {@link SettingsException}.
 *
 * <p>A value given as an argument or system property is parsed as HOCON ({@code h2.seeds=[0,1]},
 * {@code h2.train.lr=0.1}), except that an unquoted value containing {@code //} or {@code #} is
 * taken literally, so that URIs such as {@code h2.data.uri=hdfs://nn/cifar} survive (HOCON would
 * read the rest as a comment).
 */
public final class SettingsLoader {

  private static final String ROOT = "h2";
  private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");
  private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

  private SettingsLoader() {}

  /** Loads with the JVM's system properties as the top layer. */
  public static H2Settings load(Optional<Path> confFile, List<String> overrides) {
    return load(confFile, overrides, System.getProperties());
  }

  /**
   * Loads, validates and builds the settings.
   *
   * @param confFile optional HOCON file overlaying {@code reference.conf}
   * @param overrides {@code h2.key=value} arguments, applied in order over the file
   * @param systemProperties only the {@code h2.*} entries are used; they beat everything else
   * @throws SettingsException listing every problem found
   */
  public static H2Settings load(
      Optional<Path> confFile, List<String> overrides, Properties systemProperties) {
    List<String> problems = new ArrayList<>();
    Config reference =
        ConfigFactory.parseResources(SettingsLoader.class.getClassLoader(), "reference.conf");
    if (!reference.hasPath(ROOT)) {
      throw new IllegalStateException("reference.conf with an h2 block is not on the classpath");
    }
    Config file = confFile.map(f -> parseFile(f, problems)).orElse(ConfigFactory.empty());
    KnownKeys.checkOutsideRoot(file.root(), reference.getObject(ROOT), ROOT, problems);
    Map<String, String> sparkConf = sparkArguments(overrides, problems);
    Config arguments =
        parseArguments(
            overrides.stream().filter(a -> !a.startsWith(SPARK_PREFIX)).toList(), problems);
    Config properties = parseSystemProperties(systemProperties, problems);

    Config merged;
    try {
      merged =
          properties.withFallback(arguments).withFallback(file).withFallback(reference).resolve();
    } catch (ConfigException e) {
      problems.add(e.getMessage());
      throw new SettingsException(problems);
    }
    if (merged.getIsNull(ROOT) || merged.getValue(ROOT).valueType() != ConfigValueType.OBJECT) {
      problems.add(
          ROOT
              + ": expected an object holding the settings, got "
              + ConfigReader.describe(merged, ROOT));
      throw new SettingsException(problems);
    }

    // Validation: unknown keys first, then every value, then the checks across keys.
    Set<String> brokenSections =
        KnownKeys.check(merged.getObject(ROOT), reference.getObject(ROOT), ROOT, problems);
    ConfigReader r = new ConfigReader(merged, problems, brokenSections);
    return build(r, merged, sparkConf);
  }

  // ---------------------------------------------------------------------------------------------
  // Layers

  private static Config parseFile(Path file, List<String> problems) {
    try {
      return ConfigFactory.parseFile(
          file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException.IO e) {
      problems.add("conf file " + file + ": cannot be read (" + e.getMessage() + ")");
    } catch (ConfigException e) {
      problems.add("conf file " + file + ": cannot be parsed: " + e.getMessage());
    }
    return ConfigFactory.empty();
  }

  private static final String SPARK_PREFIX = "spark.";

  /**
   * The {@code spark.key=value} arguments, taken literally (no HOCON): Spark reads its own values.
   */
  private static Map<String, String> sparkArguments(List<String> overrides, List<String> problems) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (String argument : overrides) {
      if (!argument.startsWith(SPARK_PREFIX)) {
        continue;
      }
      int eq = argument.indexOf('=');
      if (eq <= SPARK_PREFIX.length()) {
        problems.add(
            "argument \""
                + argument
                + "\": expected spark.key=value (e.g. spark.eventLog.enabled=true)");
        continue;
      }
      conf.put(argument.substring(0, eq).trim(), argument.substring(eq + 1));
    }
    return conf;
  }

  private static Config parseArguments(List<String> overrides, List<String> problems) {
    Config result = ConfigFactory.empty();
    for (String argument : overrides) {
      int eq = argument.indexOf('=');
      String key = eq < 0 ? "" : argument.substring(0, eq).trim();
      if (eq < 0 || !key.startsWith(ROOT + ".")) {
        problems.add(
            "argument \""
                + argument
                + "\": expected key=value with a key under h2 (e.g. h2.train.epochs=10),"
                + " or a Spark setting spark.key=value");
        continue;
      }
      Config one = single(key, argument.substring(eq + 1), "argument " + argument, problems);
      result = one.withFallback(result);
    }
    return result;
  }

  private static Config parseSystemProperties(Properties properties, List<String> problems) {
    Config result = ConfigFactory.empty();
    for (String name : new TreeSet<>(properties.stringPropertyNames())) {
      if (name.startsWith(ROOT + ".")) {
        String value = properties.getProperty(name);
        Config one = single(name, value, "system property " + name, problems);
        result = one.withFallback(result);
      }
    }
    return result;
  }

  /** One {@code key=value} as a Config; a malformed key is a problem, an odd value a string. */
  private static Config single(String key, String raw, String origin, List<String> problems) {
    try {
      ConfigUtil.splitPath(key);
    } catch (ConfigException e) {
      problems.add(origin + ": \"" + key + "\" is not a valid key (" + e.getMessage() + ")");
      return ConfigFactory.empty();
    }
    return ConfigFactory.empty().withValue(key, parseValue(raw, origin));
  }

  static ConfigValue parseValue(String raw, String origin) {
    String text = raw.trim();
    boolean quoted = text.startsWith("\"");
    // HOCON reads "//" and "#" as the start of a comment; a URI must survive unquoted.
    boolean literal = !quoted && (text.contains("//") || text.contains("#"));
    if (!literal) {
      try {
        ConfigValue parsed = ConfigFactory.parseString("v = " + text).resolve().getValue("v");
        return ConfigValueFactory.fromAnyRef(parsed.unwrapped(), origin);
      } catch (ConfigException e) {
        // Not HOCON (e.g. an empty value): take it as the plain string it is.
      }
    }
    return ConfigValueFactory.fromAnyRef(text, origin);
  }

  // ---------------------------------------------------------------------------------------------
  // Building

  /** Reads every key into the records; throws with every problem of the file, args and values. */
  private static H2Settings build(ConfigReader r, Config merged, Map<String, String> sparkConf) {
    List<Integer> seeds = r.seeds("h2.seeds");
    List<Method> methods =
        r.names("h2.methods", Method.keys()).stream()
            .map(name -> Method.of(name).orElseThrow())
            .toList();

    DataSettings data = data(r);

    ModelSettings model =
        new ModelSettings(r.integer("h2.model.base-width", 1, 256), r.bool("h2.model.stem-relu"));

    TrainSettings train =
        new TrainSettings(
            r.integer("h2.train.epochs", 1, 32767),
            r.number("h2.train.lr", v -> v > 0, "> 0"),
            r.number("h2.train.momentum", v -> v >= 0 && v < 1, "in [0, 1)"),
            r.integer("h2.train.batch-size", 1, Integer.MAX_VALUE));

    RetrainSettings retrain =
        new RetrainSettings(
            r.integer("h2.retrain.epochs", 0, Integer.MAX_VALUE),
            r.number("h2.retrain.lr", v -> v > 0, "> 0"));

    int associationEpochs = r.integer("h2.association.epochs", 0, Integer.MAX_VALUE);
    int warmup = r.integer("h2.association.warmup-epochs", 0, Integer.MAX_VALUE);
    if (r.ok("h2.association.epochs", "h2.association.warmup-epochs")
        && associationEpochs > 0
        && warmup > associationEpochs) {
      r.fail(
          "h2.association.warmup-epochs",
          "an integer in 0.." + associationEpochs + " (at most h2.association.epochs)",
          false);
    }
    AssociationSettings association =
        new AssociationSettings(
            associationEpochs,
            warmup,
            r.number("h2.association.lr", v -> v > 0, "> 0"),
            r.number("h2.association.logit-lr", v -> v >= 0, ">= 0"),
            r.number("h2.association.temperature", v -> v > 0, "> 0"),
            r.bool("h2.association.deterministic"));

    double reinitStd = r.number("h2.reinit-std", v -> v > 0, "> 0");

    ReuseSettings reuse =
        new ReuseSettings(
            r.number(
                "h2.reuse.selection-fraction",
                v -> v > 0 && v <= 1,
                "in (0, 1] (selection epochs never exceed train epochs)"),
            r.integer("h2.reuse.counter-divisor", 1, Integer.MAX_VALUE),
            r.integer("h2.reuse.fisher-samples", 1, Integer.MAX_VALUE),
            r.number("h2.reuse.threshold", v -> v >= 0, ">= 0"),
            r.bool("h2.reuse.switch-off-at-s"));

    PruneSettings prune =
        new PruneSettings(r.number("h2.prune.ratio", v -> v > 0 && v < 1, "in (0, 1)"));

    FixesSettings fixes = new FixesSettings(r.bool("h2.fixes.bn-recalibration"));

    ComputeSettings compute =
        new ComputeSettings(
            r.integer("h2.compute.threads", 0, Integer.MAX_VALUE, " (0 = the task slot's cores)"),
            r.choice("h2.compute.kernels", Kernels.class),
            r.choice("h2.compute.conv-algorithm", ConvAlgorithm.class));

    String kernelsProblem = Backends.settingsProblem(compute.kernels(), model.baseWidth());
    if (kernelsProblem != null && r.ok("h2.compute.kernels", "h2.model.base-width")) {
      r.problem("h2.compute.kernels", kernelsProblem);
    }

    OutputSettings output =
        new OutputSettings(
            r.nonEmpty("h2.output.uri"), r.bool("h2.output.overwrite"), r.bool("h2.output.csv"));
    if (r.ok("h2.output.uri", "h2.data.uri") && isInside(output.uri(), data.uri())) {
      r.problem(
          "h2.output.uri",
          "\""
              + output.uri()
              + "\" is inside the data folder h2.data.uri \""
              + data.uri()
              + "\"; expected an output folder outside it");
    }

    String checkpointUri = r.string("h2.checkpoint.uri");
    boolean ownCheckpointFolder = !checkpointUri.isBlank();
    if (checkpointUri.isBlank()) {
      checkpointUri = stripTrailingSlash(output.uri()) + "/_checkpoints";
    } else if (r.ok("h2.checkpoint.uri", "h2.output.uri")) {
      checkFolders(r, checkpointUri, output.uri());
    }
    if (r.ok("h2.output.uri", "h2.data.uri", "h2.checkpoint.uri")) {
      checkOutsideData(r, "h2.output.uri", output.uri(), data.uri());
      checkOutsideData(r, "h2.checkpoint.uri", checkpointUri, data.uri());
    }
    if (r.ok("h2.output.uri") && AtomicRename.problem(output.uri()) != null) {
      r.problem("h2.output.uri", AtomicRename.problem(output.uri()));
    }
    if (ownCheckpointFolder
        && r.ok("h2.checkpoint.uri")
        && AtomicRename.problem(checkpointUri) != null) {
      r.problem("h2.checkpoint.uri", AtomicRename.problem(checkpointUri));
    }
    CheckpointSettings checkpoint = new CheckpointSettings(checkpointUri);

    SparkSettings spark =
        new SparkSettings(
            r.nonEmpty("h2.spark.master"),
            r.nonEmpty("h2.spark.app-name"),
            r.bool("h2.spark.ui"),
            sparkConf);

    // Everything read: render only a valid config.
    if (!r.problems().isEmpty()) {
      throw new SettingsException(r.problems());
    }
    Config resolved =
        merged
            .getConfig(ROOT)
            .withValue("data.uri", ConfigValueFactory.fromAnyRef(data.uri()))
            .withValue("checkpoint.uri", ConfigValueFactory.fromAnyRef(checkpointUri));
    return new H2Settings(
        seeds,
        methods,
        data,
        model,
        train,
        retrain,
        association,
        reinitStd,
        reuse,
        prune,
        fixes,
        compute,
        output,
        checkpoint,
        spark,
        Redaction.render(ROOT, resolved.root()));
  }

  private static DataSettings data(ConfigReader r) {
    List<String> sources = Arrays.stream(DataSource.values()).map(s -> s.key).toList();
    String sourceKey = r.oneOf("h2.data.source", sources);
    DataSource source =
        Arrays.stream(DataSource.values())
            .filter(s -> s.key.equals(sourceKey))
            .findFirst()
            .orElse(DataSource.CIFAR10_BINARY);
    String section = "h2.data." + source.key;
    String uri = r.string("h2.data.uri");
    if (r.ok("h2.data.uri") && uri.isBlank()) {
      uri = r.nonEmpty(section + ".uri");
    }
    boolean download = r.bool("h2.data.download");

    String downloadUrl = "";
    List<String> md5Keys = List.of();
    boolean augment = true;
    switch (source) {
      case CIFAR10_BINARY, CIFAR100_BINARY -> {
        downloadUrl = r.string(section + ".download-url");
        md5Keys = List.of(section + ".download-md5");
      }
      case MNIST_IDX -> {
        downloadUrl = r.string(section + ".download-url");
        md5Keys =
            List.of(
                section + ".train-images-md5",
                section + ".train-labels-md5",
                section + ".test-images-md5",
                section + ".test-labels-md5");
        augment = r.bool(section + ".augment");
      }
      case SYNTHETIC -> {}
    }
    String urlKey = section + ".download-url";
    if (download
        && !md5Keys.isEmpty()
        && r.ok("h2.data.download", urlKey)
        && !downloadUrl.matches("(?i)(https?|file):.+")) {
      r.fail(urlKey, "an http:, https: or file: URL (h2.data.download = true)", false);
    }
    List<String> md5s = new ArrayList<>();
    for (String key : md5Keys) {
      String md5 = r.string(key);
      if (download && r.ok("h2.data.download", key) && !MD5.matcher(md5).matches()) {
        r.fail(key, "32 hex digits (h2.data.download = true)", false);
      }
      md5s.add(md5);
    }

    int classes = source.classes;
    int tasks = r.integer("h2.data.tasks", 1, classes / 2, " (" + sourceName(source) + ")");
    int classesPerTask =
        r.integer("h2.data.classes-per-task", 2, classes, " (" + sourceName(source) + ")");
    if (r.ok("h2.data.tasks", "h2.data.classes-per-task") && tasks * classesPerTask > classes) {
      r.crossProblem(
          "h2.data.tasks x h2.data.classes-per-task: expected at most "
              + classes
              + " ("
              + sourceName(source)
              + "), got "
              + tasks
              + " x "
              + classesPerTask
              + " = "
              + tasks * classesPerTask,
          "h2.data.tasks",
          "h2.data.classes-per-task");
    }
    return new DataSettings(
        source,
        uri,
        download,
        downloadUrl,
        md5s,
        augment,
        tasks,
        classesPerTask,
        r.integer("h2.data.train-per-class", 0, source.maxTrainPerClass, perClass(source, "train")),
        r.integer("h2.data.test-per-class", 0, source.maxTestPerClass, perClass(source, "test")),
        r.integer("h2.data.synthetic.train-per-class", 1, 5000),
        r.integer("h2.data.synthetic.test-per-class", 1, 1000));
  }

  private static String perClass(DataSource source, String split) {
    int most = split.equals("train") ? source.maxTrainPerClass : source.maxTestPerClass;
    return " (0 = all; no class of "
        + source.key
        + " has more than "
        + most
        + " "
        + split
        + " images)";
  }

  /** The source as error messages name it: "h2.data.source = mnist-idx: 10 classes". */
  private static String sourceName(DataSource source) {
    return "h2.data.source = " + source.key + " has " + source.classes + " classes";
  }

  // ---------------------------------------------------------------------------------------------
  // Folders

  /**
   * A run may delete what it wrote into its output and checkpoint folders (overwrite): the data
   * folder must not lie inside either of them.
   */
  private static void checkOutsideData(ConfigReader r, String key, String folder, String data) {
    if (isInside(data, folder)) {
      r.problem(
          "h2.data.uri",
          "\""
              + data
              + "\" is inside the folder "
              + key
              + " \""
              + folder
              + "\", which the job writes and may clear (h2.output.overwrite); expected a data"
              + " folder outside it");
    }
  }

  /**
   * A checkpoint folder of its own lies outside the output folder, and the output outside it: each
   * folder holds only what the job puts there (its default, {@code <output>/_checkpoints}, is the
   * one place inside the output).
   */
  private static void checkFolders(ConfigReader r, String checkpoint, String output) {
    String standard = stripTrailingSlash(output) + "/_checkpoints";
    boolean standardPlace = isInside(checkpoint, standard) && isInside(standard, checkpoint);
    if (!standardPlace && (isInside(checkpoint, output) || isInside(output, checkpoint))) {
      r.problem(
          "h2.checkpoint.uri",
          "\""
              + checkpoint
              + "\" and the output folder h2.output.uri \""
              + output
              + "\" overlap; expected a checkpoint folder outside the output (or empty, for "
              + "<output>/_checkpoints)");
    }
  }

  /**
   * True when {@code inner} is {@code outer} or lies below it, comparing normalised URIs with local
   * symbolic links resolved.
   */
  static boolean isInside(String inner, String outer) {
    String in = RealPaths.of(normalise(inner));
    String out = RealPaths.of(normalise(outer));
    return in.equals(out) || in.startsWith(out.endsWith("/") ? out : out + "/");
  }

  /** scheme://authority/path without a trailing slash; a bare path is an absolute local file. */
  static String normalise(String uri) {
    String text = uri.trim();
    if (!HAS_SCHEME.matcher(text).matches()) {
      Path local = Paths.get(text).toAbsolutePath().normalize();
      return "file://" + stripTrailingSlash(local.toString());
    }
    try {
      URI u = new URI(text).normalize();
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      String path = u.getPath() == null ? "" : u.getPath();
      if (scheme.equals("file")) {
        path = Paths.get(path.isEmpty() ? "/" : path).toAbsolutePath().normalize().toString();
      }
      String authority = u.getRawAuthority() == null ? "" : u.getRawAuthority();
      return scheme + "://" + authority + stripTrailingSlash(path);
    } catch (URISyntaxException | IllegalArgumentException e) {
      return stripTrailingSlash(text); // not a URI we can normalise: compare as written
    }
  }

  private static String stripTrailingSlash(String s) {
    String result = s;
    while (result.length() > 1 && result.endsWith("/")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }
}

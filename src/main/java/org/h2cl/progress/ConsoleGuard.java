package org.h2cl.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Stands in for a console log appender while a {@link LiveView} runs: each log event is written by
 * the original appender, with the live block cleared before and redrawn after.
 */
final class ConsoleGuard extends AbstractAppender {

  private final Appender console;
  private final LiveView view;

  private ConsoleGuard(Appender console, LiveView view) {
    super("live-" + console.getName(), null, null, true, Property.EMPTY_ARRAY);
    this.console = console;
    this.view = view;
  }

  @Override
  public void append(LogEvent event) {
    view.around(() -> console.append(event));
  }

  /**
   * Puts guards in place of every console appender of the current log4j configuration.
   *
   * @return what puts the original appenders back; does nothing when log4j's core is not the
   *     logging backend (the block may then be garbled by log lines, nothing worse)
   */
  static Runnable install(LiveView view) {
    if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
      return () -> {};
    }
    Configuration config = ctx.getConfiguration();
    List<LoggerConfig> loggers = new ArrayList<>(config.getLoggers().values());
    if (!loggers.contains(config.getRootLogger())) {
      loggers.add(config.getRootLogger());
    }
    List<Runnable> undo = new ArrayList<>();
    for (LoggerConfig logger : loggers) {
      for (Map.Entry<String, Appender> a : logger.getAppenders().entrySet()) {
        if (a.getValue() instanceof ConsoleAppender) {
          AppenderRef ref =
              logger.getAppenderRefs().stream()
                  .filter(r -> r.getRef().equals(a.getKey()))
                  .findFirst()
                  .orElse(null);
          ConsoleGuard guard = new ConsoleGuard(a.getValue(), view);
          guard.start();
          logger.removeAppender(a.getKey());
          logger.addAppender(
              guard, ref == null ? null : ref.getLevel(), ref == null ? null : ref.getFilter());
          undo.add(
              () -> {
                logger.removeAppender(guard.getName());
                logger.addAppender(
                    a.getValue(),
                    ref == null ? null : ref.getLevel(),
                    ref == null ? null : ref.getFilter());
                guard.stop();
              });
        }
      }
    }
    ctx.updateLoggers();
    return () -> {
      undo.forEach(Runnable::run);
      ctx.updateLoggers();
    };
  }
}

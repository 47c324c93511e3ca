/* A Kafka-protocol broker for tests: librdkafka's mock cluster on loopback.
 * usage: kafka-mock <brokers> <partitions> [topic...]; prints the bootstrap servers, then serves until stdin
 * closes or SIGTERM arrives, so a test that dies never leaves it behind. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;
static void on_signal(int sig) { (void)sig; stopping = 1; }

int main(int argc, char **argv) {
  char errstr[512];
  int brokers = argc > 1 ? atoi(argv[1]) : 3;
  int partitions = argc > 2 ? atoi(argv[2]) : 4;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "kafka-mock: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (!cluster) { fprintf(stderr, "kafka-mock: cannot create the mock cluster\n"); return 1; }
  for (int i = 3; i < argc; i++) rd_kafka_mock_topic_create(cluster, argv[i], partitions, 1);
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);
  /* no SA_RESTART: a signal must interrupt the blocking read below */
  struct sigaction action = {0};
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  char buf[256];
  while (!stopping && read(0, buf, sizeof buf) > 0) {}
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}

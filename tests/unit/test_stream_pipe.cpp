#include "util/stream_pipe.hpp"

#include <doctest/doctest.h>

using namespace pgu;

TEST_CASE("a pipe moves every byte from producer to consumer and counts them")
{
  Command producer({"sh", "-c", "head -c 3000000 /dev/zero; echo done >&2"});
  Command consumer({"sh", "-c", "wc -c; echo consumed >&2"});
  int calls = 0;
  const auto result = run_pipe(producer, consumer, [&](std::uint64_t, std::chrono::duration<double>) { ++calls; });
  CHECK(result.ok());
  CHECK(result.bytes == 3000000);
  CHECK(result.consumer.out == "3000000\n");
  CHECK(result.producer.err == "done\n");
  CHECK(result.consumer.err == "consumed\n");
  CHECK(calls >= 1);
}

TEST_CASE("a failing consumer is reported with its status and stderr, and the producer stops")
{
  Command producer({"sh", "-c", "yes"});
  Command consumer({"sh", "-c", "head -c 10 >/dev/null; echo 'restore error' >&2; exit 1"});
  const auto result = run_pipe(producer, consumer, {});
  CHECK_FALSE(result.ok());
  CHECK(result.consumer.exit_code == 1);
  CHECK(result.consumer.err == "restore error\n");
  CHECK(result.producer.exit_code != 0);
}

TEST_CASE("a failing producer fails the pipe even when the consumer succeeds")
{
  Command producer({"sh", "-c", "echo partial; echo 'dump error' >&2; exit 2"});
  Command consumer({"cat"});
  const auto result = run_pipe(producer, consumer, {});
  CHECK_FALSE(result.ok());
  CHECK(result.producer.exit_code == 2);
  CHECK(result.consumer.out == "partial\n");
}

TEST_CASE("a pipe that outlives the producer's time limit is killed")
{
  Command producer({"sleep", "30"});
  producer.timeout = std::chrono::seconds(1);
  Command consumer({"cat"});
  const auto result = run_pipe(producer, consumer, {});
  CHECK(result.timed_out);
  CHECK_FALSE(result.ok());
}

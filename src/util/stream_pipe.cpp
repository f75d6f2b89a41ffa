#include "util/stream_pipe.hpp"

#include "util/child.hpp"
#include "util/process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <array>
#include <csignal>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bp = boost::process;

namespace pgu {

namespace {

constexpr std::size_t buffer_size = std::size_t{256} * 1024;
constexpr auto progress_interval = std::chrono::seconds(1);
constexpr auto poll_interval = std::chrono::milliseconds(20);

void kill_group(pid_t pid)
{
  ::kill(-pid, SIGTERM);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ::kill(-pid, SIGKILL);
}

} // namespace

PipeResult run_pipe(const Command& producer, const Command& consumer, const PipeProgress& progress)
{
  // A consumer that dies early must become an error code here, not a SIGPIPE that kills us.
  (void)::signal(SIGPIPE, SIG_IGN);
  PipeResult result;
  const auto started = std::chrono::steady_clock::now();
  const auto producer_exe = child::executable(producer);
  const auto consumer_exe = child::executable(consumer);
  if (producer_exe.empty() || consumer_exe.empty()) {
    result.producer.exit_code = producer_exe.empty() ? 127 : 0;
    result.consumer.exit_code = consumer_exe.empty() ? 127 : 0;
    return result;
  }
  if (children_cancelled()) {
    result.producer.exit_code = result.consumer.exit_code = cancelled_exit_code;
    result.consumer.err = std::string(cancelled_message);
    return result;
  }

  boost::asio::io_context io;
  bp::async_pipe from_producer(io);
  bp::async_pipe to_consumer(io);
  // Each child must hold only its own end: without close-on-exec the consumer would inherit the
  // producer's write end and never see end-of-file.
  for (const int fd : {from_producer.native_source(), from_producer.native_sink(), to_consumer.native_source(),
                       to_consumer.native_sink()}) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  // Their other output is read into strings. The children are not given the io_context: see
  // ProcessRunner::run (exits are polled, not waited for through SIGCHLD).
  bp::async_pipe producer_err_pipe(io);
  bp::async_pipe consumer_out_pipe(io);
  bp::async_pipe consumer_err_pipe(io);
  for (const auto* pipe : {&producer_err_pipe, &consumer_out_pipe, &consumer_err_pipe}) {
    ::fcntl(pipe->native_source(), F_SETFD, FD_CLOEXEC);
    ::fcntl(pipe->native_sink(), F_SETFD, FD_CLOEXEC);
  }

  bp::child consumer_child(consumer_exe, bp::args(child::arguments(consumer)), child::environment(consumer), bp::std_in < to_consumer,
                           bp::std_out > consumer_out_pipe, bp::std_err > consumer_err_pipe, child::NewProcessGroup{});
  bp::child producer_child(producer_exe, bp::args(child::arguments(producer)), child::environment(producer), bp::std_in < bp::null,
                           bp::std_out > from_producer, bp::std_err > producer_err_pipe, child::NewProcessGroup{});
  std::string producer_err;
  std::string consumer_out;
  std::string consumer_err;
  const auto read_all = [](bp::async_pipe& pipe, std::string& text) {
    boost::asio::async_read(pipe, boost::asio::dynamic_buffer(text), [](const boost::system::error_code&, std::size_t) {});
  };
  read_all(producer_err_pipe, producer_err);
  read_all(consumer_out_pipe, consumer_out);
  read_all(consumer_err_pipe, consumer_err);

  register_child_group(consumer_child.id());
  register_child_group(producer_child.id());
  struct Unregister {
    pid_t consumer;
    pid_t producer;
    ~Unregister()
    {
      unregister_child_group(consumer);
      unregister_child_group(producer);
    }
  } unregister{consumer_child.id(), producer_child.id()};
  if (children_cancelled()) {
    ::kill(-consumer_child.id(), SIGTERM);
    ::kill(-producer_child.id(), SIGTERM);
  }

  std::array<char, buffer_size> buffer{};
  bool stream_done = false;
  std::function<void()> pump = [&]() {
    from_producer.async_read_some(boost::asio::buffer(buffer), [&](const boost::system::error_code& read_error, std::size_t n) {
      if (read_error) {
        boost::system::error_code ignored;
        to_consumer.close(ignored);
        stream_done = true;
        return;
      }
      boost::asio::async_write(to_consumer, boost::asio::buffer(buffer.data(), n),
                               [&](const boost::system::error_code& write_error, std::size_t written) {
                                 result.bytes += written;
                                 if (write_error) {
                                   // The consumer is gone; stop reading so the producer sees EPIPE.
                                   boost::system::error_code ignored;
                                   from_producer.close(ignored);
                                   to_consumer.close(ignored);
                                   stream_done = true;
                                   return;
                                 }
                                 pump();
                               });
    });
  };
  pump();

  boost::asio::steady_timer ticker(io);
  std::function<void()> tick = [&]() {
    ticker.expires_after(progress_interval);
    ticker.async_wait([&](const boost::system::error_code& error) {
      if (error) {
        return;
      }
      if (progress) {
        progress(result.bytes, std::chrono::steady_clock::now() - started);
      }
      tick();
    });
  };
  tick();

  const auto deadline = started + producer.timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(200));
    if (stream_done && !producer_child.running() && !consumer_child.running()) {
      break;
    }
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    result.timed_out = true;
    kill_group(producer_child.id());
    kill_group(consumer_child.id());
  }
  ticker.cancel();
  boost::system::error_code ignored;
  from_producer.close(ignored);
  to_consumer.close(ignored);
  if (result.timed_out) {
    for (auto* pipe : {&producer_err_pipe, &consumer_out_pipe, &consumer_err_pipe}) {
      pipe->close(ignored);
    }
  }
  io.restart();
  io.run();
  while (producer_child.running() || consumer_child.running()) {
    std::this_thread::sleep_for(poll_interval);
  }
  producer_child.wait();
  consumer_child.wait();
  result.producer.exit_code = result.timed_out ? 124 : child::exit_status(producer_child.native_exit_code());
  result.consumer.exit_code = result.timed_out ? 124 : child::exit_status(consumer_child.native_exit_code());
  result.producer.timed_out = result.consumer.timed_out = result.timed_out;
  result.producer.err = std::move(producer_err);
  result.consumer.err = std::move(consumer_err);
  result.consumer.out = std::move(consumer_out);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  result.producer.elapsed = result.consumer.elapsed = elapsed;
  if (progress) {
    progress(result.bytes, elapsed);
  }
  return result;
}

} // namespace pgu

// The DEBUG=True console sink: a readable, coloured line when the stream is a terminal, the
// JSON line itself otherwise.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace llm::logging {

// "10:30:00.123456 INFO     request  Incoming request  request_id=req_1 method=GET ...",
// with ANSI colours by level when `colour` is set. Returns the JSON line itself when it does
// not parse.
std::string FormatReadable(std::string_view json_line, bool colour);

class ConsoleSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Writes to `stream`; readable + coloured when `readable` (a terminal), JSON otherwise.
  ConsoleSink(std::FILE* stream, bool readable) : stream_(stream), readable_(readable) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override { std::fflush(stream_); }

 private:
  std::FILE* stream_;
  bool readable_;
};

}  // namespace llm::logging

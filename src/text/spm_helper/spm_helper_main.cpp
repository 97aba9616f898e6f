// unbert-spm: the SentencePiece helper process. Debian's libsentencepiece
// exports its own copy of protobuf, which clashes with the libprotobuf that
// LibTorch loads, so SentencePiece never enters the unbert process: unbert
// spawns this program (it links sentencepiece and not LibTorch) and talks to
// it over its stdin and stdout in the frames of spm_protocol.h. It serves one
// client, one request at a time, and exits when its stdin closes.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "spm_protocol.h"

namespace {

namespace protocol = unbert::spm_protocol;

bool read_exactly(int fd, char* data, size_t size) {
  while (size > 0) {
    ssize_t got = ::read(fd, data, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    data += got;
    size -= static_cast<size_t>(got);
  }
  return true;
}

bool write_all(int fd, const std::string& bytes) {
  const char* data = bytes.data();
  size_t size = bytes.size();
  while (size > 0) {
    ssize_t put = ::write(fd, data, size);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    data += put;
    size -= static_cast<size_t>(put);
  }
  return true;
}

bool read_frame(std::string* payload) {
  char header[4];
  if (!read_exactly(0, header, 4)) return false;
  uint32_t size = protocol::Reader(std::string_view(header, 4)).u32();
  if (size == 0 || size > unbert::frame::kMaxFrame) return false;
  payload->resize(size);
  return read_exactly(0, payload->data(), size);
}

bool send_frame(const std::string& payload) {
  std::string frame;
  protocol::put_u32(&frame, static_cast<uint32_t>(payload.size()));
  frame += payload;
  return write_all(1, frame);
}

std::string failure(const std::string& message) {
  return std::string(1, protocol::kFailed) + message;
}

// SentencePiece echoes its training arguments on stderr whatever minloglevel
// says; its errors come back in the status instead.
class StderrMuted {
 public:
  StderrMuted() : saved_(::dup(2)) {
    int null_fd = ::open("/dev/null", O_WRONLY);
    if (saved_ >= 0 && null_fd >= 0) ::dup2(null_fd, 2);
    if (null_fd >= 0) ::close(null_fd);
  }
  ~StderrMuted() {
    if (saved_ < 0) return;
    ::dup2(saved_, 2);
    ::close(saved_);
  }

 private:
  int saved_;
};

class Server {
 public:
  std::string handle(const std::string& request) {
    protocol::Reader in(request);
    switch (in.byte()) {
      case protocol::kLoad:
        return load(std::string(in.string()));
      case protocol::kEncode:
        return encode(&in);
      case protocol::kTrain:
        return train(std::string(in.string()));
      default:
        return failure("unknown request");
    }
  }

 private:
  std::string load(const std::string& path) {
    auto processor = std::make_unique<sentencepiece::SentencePieceProcessor>();
    auto status = processor->Load(path);
    if (!status.ok()) return failure(status.ToString());
    processor_ = std::move(processor);
    std::string reply(1, protocol::kOk);
    const int size = processor_->GetPieceSize();
    protocol::put_u32(&reply, static_cast<uint32_t>(size));
    for (int id = 0; id < size; ++id) protocol::put_string(&reply, processor_->IdToPiece(id));
    return reply;
  }

  std::string encode(protocol::Reader* in) {
    if (!processor_) return failure("no model loaded");
    const uint32_t count = in->u32();
    std::string reply(1, protocol::kOk);
    std::vector<int> ids;
    for (uint32_t i = 0; i < count && !in->failed(); ++i) {
      std::string_view text = in->string();
      ids.clear();
      auto status = processor_->Encode(text, &ids);
      if (!status.ok()) return failure(status.ToString());
      protocol::put_u32(&reply, static_cast<uint32_t>(ids.size()));
      for (int id : ids) protocol::put_u32(&reply, static_cast<uint32_t>(id));
    }
    if (in->failed()) return failure("malformed encode request");
    return reply;
  }

  std::string train(const std::string& arguments) {
    sentencepiece::util::Status status;
    {
      StderrMuted muted;
      status = sentencepiece::SentencePieceTrainer::Train(arguments);
    }
    if (!status.ok()) return failure(status.ToString());
    return std::string(1, protocol::kOk);
  }

  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace

int main() {
  // Ctrl-C and a terminal's hangup reach the whole foreground process group:
  // unbert finishes its step and checkpoints, so its helper must not die under
  // it. The helper ends when unbert closes its stdin, or with unbert (end of file).
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  Server server;
  std::string request;
  while (read_frame(&request))
    if (!send_frame(server.handle(request))) return 1;
  return 0;
}

// The requests between unbert and its SentencePiece helper, unbert-spm (see
// spm_helper_main.cpp for why it is a separate process), each one frame of
// common/frame.h whose first byte says what it is:
//
//   request                               reply ('K' ok, or 'X' + message)
//   'L' path                              'K' count piece*count
//   'E' count text*count                  'K' (n id*n)*count
//   'T' arguments                         'K'
#pragma once

#include "unbert/common/frame.h"

namespace unbert::spm_protocol {

using frame::put_string;
using frame::put_u32;
using frame::Reader;

constexpr char kLoad = 'L', kEncode = 'E', kTrain = 'T', kOk = 'K', kFailed = 'X';

}  // namespace unbert::spm_protocol

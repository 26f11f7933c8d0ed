// The functions of this module are `static inline` in include/CLVIntrinsics.h; SwiftPM wants one source file.
#include "CLVIntrinsics.h"

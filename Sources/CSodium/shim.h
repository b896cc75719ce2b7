#ifndef PALISADE_CSODIUM_SHIM_H
#define PALISADE_CSODIUM_SHIM_H
#include <sodium.h>
#endif

/*
 * A PKCS#11 module that is SoftHSM2 with two faults, switched on by files named like this library
 * plus a suffix (e.g. /tmp/x/hanging-pkcs11.so.hang):
 * - `.hang`: C_Sign blocks for as long as the file exists, the way a network HSM that stopped
 *   answering blocks its caller;
 * - `.drop`: the next C_Sign finds its session closed under it (the file is removed), the way a
 *   restarted device drops its sessions.
 * Every other call goes straight to SoftHSM.
 * Built by the PKCS#11 tests with the system C compiler; pkcs11js ships the PKCS#11 headers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <pkcs11/pkcs11.h>

static CK_FUNCTION_LIST real_copy;
static CK_FUNCTION_LIST hanging;
static CK_FUNCTION_LIST_PTR real;
static char hang_file[4096];
static char drop_file[4096];

static CK_RV hanging_sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG length,
                          CK_BYTE_PTR signature, CK_ULONG_PTR signature_length) {
  while (access(hang_file, F_OK) == 0) usleep(10000);
  if (access(drop_file, F_OK) == 0) {
    unlink(drop_file);
    real->C_CloseSession(session);
  }
  return real->C_Sign(session, data, length, signature, signature_length);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (real == NULL) {
    Dl_info self;
    if (dladdr((void *)&C_GetFunctionList, &self) == 0 || self.dli_fname == NULL) {
      return CKR_GENERAL_ERROR;
    }
    snprintf(hang_file, sizeof hang_file, "%s.hang", self.dli_fname);
    snprintf(drop_file, sizeof drop_file, "%s.drop", self.dli_fname);
    void *softhsm = dlopen("/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    if (softhsm == NULL) return CKR_GENERAL_ERROR;
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(softhsm, "C_GetFunctionList");
    CK_FUNCTION_LIST_PTR original = NULL;
    if (get == NULL || get(&original) != CKR_OK) return CKR_GENERAL_ERROR;
    memcpy(&real_copy, original, sizeof real_copy);
    real = &real_copy;
    memcpy(&hanging, original, sizeof hanging);
    hanging.C_Sign = hanging_sign;
  }
  *list = &hanging;
  return CKR_OK;
}

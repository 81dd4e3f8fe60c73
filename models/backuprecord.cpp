#include "backuprecord.h"

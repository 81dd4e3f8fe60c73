#include "chainrules.h"
